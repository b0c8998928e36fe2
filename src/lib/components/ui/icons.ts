// Outline icon shapes (24×24 grid, stroked with currentColor) drawn for Fieldbook, so no icon library ships in the first screen.

/** A circle as a path, so every icon is a plain list of path strings. */
const circle = (cx: number, cy: number, r: number): string => `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;

export const icons = {
  home: ['M3 10.5 12 3l9 7.5', 'M5 9v12h14V9', 'M10 21v-6h4v6'],
  contacts: [circle(12, 8, 4), 'M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7'],
  accounts: ['M4 21V4h10v17', 'M14 9h6v12', 'M2 21h20', 'M8 8h2M8 12h2M8 16h2M17 13h0M17 17h0'],
  leads: [circle(12, 12, 9), circle(12, 12, 5), circle(12, 12, 1)],
  opportunities: ['M3 17l6-6 4 4 8-8', 'M15 7h6v6'],
  quotes: ['M5 3h10l4 4v14H5z', 'M15 3v4h4', 'M9 12h6M9 16h6'],
  products: ['M3 7.5 12 3l9 4.5v9L12 21l-9-4.5z', 'M3 7.5 12 12l9-4.5', 'M12 12v9'],
  tasks: ['M6 3h12a3 3 0 0 1 3 3v12a3 3 0 0 1-3 3H6a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z', 'M8 12l3 3 5-6'],
  orders: ['M2 4h3l2.4 11h10.4L20 8H6.3', circle(9, 19.5, 1.5), circle(17, 19.5, 1.5)],
  tickets: ['M3 7h18v3a2 2 0 0 0 0 4v3H3v-3a2 2 0 0 0 0-4z', 'M15 7v2M15 11v2M15 15v2'],
  knowledge: ['M3 5h6a3 3 0 0 1 3 3v12a2 2 0 0 0-2-2H3z', 'M21 5h-6a3 3 0 0 0-3 3v12a2 2 0 0 1 2-2h7z'],
  campaigns: ['M3 10v4h3l8 5V5l-8 5z', 'M18 9a4 4 0 0 1 0 6', 'M6 14l1.5 6h3L9 15.5'],
  partners: [circle(9, 8, 3.5), circle(17, 9, 2.5), 'M2 20c0-3.6 3.1-6 7-6s7 2.4 7 6', 'M17 14c2.8 0 5 1.9 5 5'],
  analytics: ['M3 21h18', 'M6 17v-5', 'M11 17V5', 'M16 17V9', 'M21 17v-3'],
  sync: ['M20 11a8 8 0 0 0-14.6-4.5', 'M4 13a8 8 0 0 0 14.6 4.5', 'M20 3v4.5h-4.5', 'M4 21v-4.5h4.5'],
  settings: ['M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1', circle(15, 6, 2), circle(9, 12, 2), circle(17, 18, 2)],
  more: [circle(5, 12, 1), circle(12, 12, 1), circle(19, 12, 1)],
  close: ['M6 6l12 12M18 6 6 18'],
  check: ['M5 12.5l4.5 4.5L19 7'],
  alert: ['M12 3 2 20h20z', 'M12 10v4', 'M12 17v.01'],
  info: [circle(12, 12, 9), 'M12 11v6', 'M12 7.5v.01'],
  lock: ['M7 11h10a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2v-6a2 2 0 0 1 2-2z', 'M8 11V7a4 4 0 0 1 8 0v4'],
  storage: ['M4 5c0 1.7 3.6 3 8 3s8-1.3 8-3-3.6-3-8-3-8 1.3-8 3z', 'M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5', 'M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3'],
  plus: ['M12 5v14M5 12h14'],
  search: [circle(11, 11, 7), 'M21 21l-5-5'],
  trash: ['M4 7h16', 'M9 7V4h6v3', 'M6 7l1 14h10l1-14', 'M10 11v6M14 11v6'],
  undo: ['M9 14 4 9l5-5', 'M4 9h10a6 6 0 0 1 0 12h-3'],
  edit: ['M4 20h4L19 9l-4-4L4 16z', 'M13.5 6.5l4 4'],
  phone: ['M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z'],
  mail: ['M3 5h18v14H3z', 'M3 6l9 7 9-7'],
  user: [circle(12, 8, 4), 'M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7'],
  filter: ['M3 5h18l-7 8v6l-4 2v-8z'],
  'arrow-left': ['M19 12H5', 'M11 6l-6 6 6 6'],
  'chevron-right': ['M9 6l6 6-6 6'],
  'chevron-down': ['M6 9l6 6 6-6'],
  download: ['M12 3v12', 'M7 10l5 5 5-5', 'M4 21h16'],
  upload: ['M12 21V9', 'M7 14l5-5 5 5', 'M4 3h16']
} satisfies Record<string, string[]>;

export type IconName = keyof typeof icons;
