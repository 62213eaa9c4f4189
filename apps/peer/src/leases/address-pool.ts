/** The addresses `dhcp4-query` allocates from, first to last inclusive. */
export interface AddressPool {
  readonly first: string;
  readonly last: string;
}

export const DEFAULT_POOL: AddressPool = { first: '192.0.2.10', last: '192.0.2.250' };
