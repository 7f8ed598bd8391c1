// Buses (rte_bus): each registers a probe that eal.init runs once memory is up, like rte_bus_probe.

import type { EalOptions } from './options.js';

export interface Bus {
  name: string;
  /** Runs in a primary after memory init; gets the parsed EAL options (e.g. --vdev strings). */
  probe(options: EalOptions): void;
}

const buses: Bus[] = [];

export function registerBus(bus: Bus): void {
  if (!buses.some((b) => b.name === bus.name)) buses.push(bus);
}

export function probeBuses(options: EalOptions): void {
  for (const b of buses) b.probe(options);
}

export function busList(): string[] {
  return buses.map((b) => b.name);
}
