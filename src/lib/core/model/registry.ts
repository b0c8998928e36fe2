// The list of every record type: storage, sync and commands are built from it, so adding a type is one file plus one line here.
import { accounts } from './account';
import { articles } from './article';
import { campaigns } from './campaign';
import { contacts } from './contact';
import { interactions } from './interaction';
import { leads } from './lead';
import { opportunities } from './opportunity';
import { orders } from './order';
import { partners } from './partner';
import { products } from './product';
import { quotes } from './quote';
import { rules } from './rule';
import { segments } from './segment';
import { stages } from './stage';
import { tasks } from './task';
import { tickets } from './ticket';
import { users } from './user';

export const collections = {
  account: accounts,
  article: articles,
  campaign: campaigns,
  contact: contacts,
  interaction: interactions,
  lead: leads,
  opportunity: opportunities,
  order: orders,
  partner: partners,
  product: products,
  quote: quotes,
  rule: rules,
  segment: segments,
  stage: stages,
  task: tasks,
  ticket: tickets,
  user: users
} as const;

export type Collections = typeof collections;
export type CollectionName = keyof Collections;
export const collectionNames = Object.keys(collections) as CollectionName[];

export function isCollectionName(name: string): name is CollectionName {
  return Object.hasOwn(collections, name);
}

export function collectionOf(name: CollectionName): Collections[CollectionName] {
  return collections[name];
}
