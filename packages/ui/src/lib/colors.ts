// Stable colours: the same service has the same colour on every page.

export const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4', '#ec4899', '#84cc16'];

export function serviceColor(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  // Hues 30°–320° only: pure reds stay reserved for errors.
  return `hsl(${30 + ((h >>> 0) % 290)}, 65%, 52%)`;
}
