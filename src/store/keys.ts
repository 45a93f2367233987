/** Every Redis key nblaunch uses, under one prefix per launcher instance. */
export function storeKeys(instance: string) {
  const prefix = `nblaunch:${instance}:`;
  return {
    session: (id: string) => `${prefix}session:${id}`,
    /** Sorted set of session ids holding a capacity slot, scored by reservation time. */
    slots: `${prefix}slots`,
    slotsOfIp: (ip: string) => `${prefix}slots-ip:${ip}`,
    /** Hash from session id to the client address that holds the slot. */
    slotIps: `${prefix}slot-ips`,
    ended: (id: string) => `${prefix}ended:${id}`,
    route: (id: string) => `${prefix}route:${id}`,
    routes: `${prefix}routes`,
    /** Pub/sub channel announcing route changes to every launcher process. */
    routeChanges: `${prefix}route-changes`,
    /** Sorted set of built image names by last launch time. */
    imagesLastUsed: `${prefix}images-last-used`,
    rate: (key: string, window: number) => `${prefix}rate:${key}:${window}`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
