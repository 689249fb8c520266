// The sign-in page to send a signed-out console visitor to, keeping where they were going.
import { headers } from "next/headers";
import { PATH_HEADER, signInPathFor } from "@/lib/auth/safe-next";

export async function signInPath(): Promise<string> {
  return signInPathFor((await headers()).get(PATH_HEADER));
}
