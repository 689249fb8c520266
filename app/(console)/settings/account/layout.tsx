import { SettingsShell } from "@/components/layout/settings-shell";

export default function AccountSettingsLayout({ children }: { children: React.ReactNode }) {
  return <SettingsShell>{children}</SettingsShell>;
}
