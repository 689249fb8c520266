// The webhooks feature's console paths, in a module of their own so that a link or a redirect
// does not bring a whole table or page with it.

export const WEBHOOKS_PATH = "/settings/organization/webhooks";

/** An endpoint's console page. */
export const endpointPath = (id: string) => `${WEBHOOKS_PATH}/endpoints/${encodeURIComponent(id)}`;
