// Named events with listeners that cannot break each other: a throwing listener is logged.

/** on/off/emit, the part of the public API (AuthReturn.on, AuthReturn.off) the core inherits. */
export class Emitter {
  constructor() {
    this.listeners = new Map();
  }

  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
  }

  off(event, fn) {
    this.listeners.get(event)?.delete(fn);
  }

  emit(event, detail) {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(detail);
      } catch (error) {
        console.error(error);
      }
    }
  }
}
