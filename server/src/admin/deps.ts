import type { ServiceDeps } from '../services/deps.js';

/** What every admin resource's routes are built from: the services' dependencies, from which each builds its service. */
export type AdminDeps = ServiceDeps;
