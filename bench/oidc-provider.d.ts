// The part of oidc-provider's API bench/token-vs-oidc-provider.ts uses (the package ships no types,
// and @types/oidc-provider is not a dependency).
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  export default class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
  }
}
