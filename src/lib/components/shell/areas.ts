// Every area of the CRM: its route, nav label and icon, and — for areas not built yet — what is planned.
import type { IconName } from '../ui/icons';

export type Area = {
  id: string;
  href: string;
  label: string;
  icon: IconName;
  /** Kept in the phone bottom bar; the rest sit behind "More". */
  isPrimary?: boolean;
  /** Shown in the header on wide screens instead of the rail (the rail then fits a 768 px tall tablet without scrolling). */
  isInHeader?: boolean;
  /** Set while the area is not built: the plain notice and one line of what is coming. */
  notBuilt?: { notice: string; planned: string };
};

export const areas: readonly Area[] = [
  { id: 'home', href: '/', label: 'Home', icon: 'home', isPrimary: true },
  { id: 'contacts', href: '/contacts', label: 'Contacts', icon: 'contacts', isPrimary: true },
  { id: 'accounts', href: '/accounts', label: 'Accounts', icon: 'accounts', isPrimary: true },
  {
    id: 'opportunities',
    href: '/opportunities',
    label: 'Opportunities',
    icon: 'opportunities',
    isPrimary: true
  },
  { id: 'dashboard', href: '/dashboard', label: 'Sales dashboard', icon: 'analytics' },
  {
    id: 'leads',
    href: '/leads',
    label: 'Leads',
    icon: 'leads'
  },
  {
    id: 'tasks',
    href: '/tasks',
    label: 'Tasks',
    icon: 'tasks',
  },
  {
    id: 'quotes',
    href: '/quotes',
    label: 'Quotes',
    icon: 'quotes',
  },
  {
    id: 'products',
    href: '/products',
    label: 'Products',
    icon: 'products',
  },
  {
    id: 'orders',
    href: '/orders',
    label: 'Orders',
    icon: 'orders',
    notBuilt: {
      notice: 'Orders are not built yet.',
      planned: 'Orders from accepted quotes, followed from placed to delivered and paid.'
    }
  },
  {
    id: 'tickets',
    href: '/tickets',
    label: 'Tickets',
    icon: 'tickets',
    notBuilt: {
      notice: 'Tickets are not built yet.',
      planned: 'Customer support tickets with priority, response deadlines and automatic escalation.'
    }
  },
  {
    id: 'knowledge',
    href: '/knowledge',
    label: 'Knowledge base',
    icon: 'knowledge',
    notBuilt: {
      notice: 'The knowledge base is not built yet.',
      planned: 'Articles for the team and for customers, written together and searchable offline.'
    }
  },
  {
    id: 'campaigns',
    href: '/campaigns',
    label: 'Campaigns',
    icon: 'campaigns',
    notBuilt: {
      notice: 'Campaigns are not built yet.',
      planned: 'Marketing campaigns aimed at saved lists, with messages triggered by events and their results.'
    }
  },
  {
    id: 'partners',
    href: '/partners',
    label: 'Partners',
    icon: 'partners',
    notBuilt: {
      notice: 'Partners are not built yet.',
      planned: 'Partner companies, the deals they bring and what they are owed.'
    }
  },
  {
    id: 'analytics',
    href: '/analytics',
    label: 'Analytics',
    icon: 'analytics'
  },
  {
    id: 'sync',
    href: '/sync',
    label: 'Sync',
    icon: 'sync'
  },
  { id: 'rules', href: '/rules', label: 'Rules', icon: 'check' },
  { id: 'import', href: '/import', label: 'Import', icon: 'upload' },
  { id: 'duplicates', href: '/duplicates', label: 'Duplicates', icon: 'filter' },
  { id: 'conflicts', href: '/conflicts', label: 'Conflicts', icon: 'alert' },
  { id: 'data', href: '/data', label: 'Your data', icon: 'download' },
  { id: 'settings', href: '/settings', label: 'Settings', icon: 'settings', isInHeader: true }
];

export function areaById(id: string): Area {
  const area = areas.find((a) => a.id === id);
  if (!area) throw new Error(`Unknown area: ${id}`);
  return area;
}

/** Whether a nav link is the current page: Home only on "/", other areas on their own path and below. */
export function isCurrentArea(area: Area, pathname: string): boolean {
  if (area.href === '/') return pathname === '/';
  return pathname === area.href || pathname.startsWith(`${area.href}/`);
}
