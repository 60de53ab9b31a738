// Keyboard navigation for data tables: arrows move between rows, Enter opens the row's link.

export function onTableKeyDown(e: KeyboardEvent): void {
  const row = (e.target as Element | null)?.closest?.('tr[tabindex]') as HTMLElement | null;
  if (!row) return;
  let next: Element | null = null;
  switch (e.key) {
    case 'ArrowDown':
      next = row.nextElementSibling;
      break;
    case 'ArrowUp':
      next = row.previousElementSibling;
      break;
    case 'Home':
      next = row.parentElement?.firstElementChild ?? null;
      break;
    case 'End':
      next = row.parentElement?.lastElementChild ?? null;
      break;
    case 'Enter': {
      if ((e.target as Element) !== row) return;
      const link = row.querySelector('a');
      if (link) {
        e.preventDefault();
        link.click();
      }
      return;
    }
    default:
      return;
  }
  if (next instanceof HTMLElement) {
    e.preventDefault();
    next.focus();
  }
}
