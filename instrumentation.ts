// Runs once when the server starts: opens and migrates the database before the first request,
// so a broken configuration fails loudly at start-up rather than on a user's click.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startUp } = await import("@/start-up");
  await startUp();
}
