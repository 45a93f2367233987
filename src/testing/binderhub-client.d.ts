// Types for the parts of BinderHub's official JavaScript client that the tests use.
declare module '@jupyterhub/binderhub-client/client.js' {
  export interface BinderEvent {
    phase: string;
    message?: string;
    url?: string;
    token?: string;
    imageName?: string;
  }
  export class BinderRepository {
    constructor(providerSpec: string, buildEndpointUrl: URL, options?: { apiToken?: string; buildToken?: string; buildOnly?: boolean });
    fetch(): AsyncIterable<BinderEvent>;
    close(): void;
  }
}
