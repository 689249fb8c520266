import { NotFoundPanel } from "@/components/layout/not-found-panel";

// notFound() in a settings page (an unknown id, or one of another organization) renders here,
// inside the console's layout and navigation.
export default function SettingsNotFound() {
  return <NotFoundPanel />;
}
