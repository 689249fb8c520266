import { SettingsShell } from "@/components/layout/settings-shell";

export default function OrganizationSettingsLayout({ children }: { children: React.ReactNode }) {
  return <SettingsShell>{children}</SettingsShell>;
}
