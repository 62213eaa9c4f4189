/** The coordinator's validated settings (explicit, because esbuild bundles carry no type metadata). */
export const SETTINGS = Symbol('CoordinatorSettings');
