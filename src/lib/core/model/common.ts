// Field groups shared by several record types (address, consent, channels): defined once, used by each schema.
import { z } from 'zod';

export const addressSchema = z
  .object({
    street: z.string().max(200).default(''),
    city: z.string().max(100).default(''),
    region: z.string().max(100).default(''),
    postalCode: z.string().max(20).default(''),
    country: z.string().max(100).default('')
  })
  .default({ street: '', city: '', region: '', postalCode: '', country: '' });
export type Address = z.infer<typeof addressSchema>;

export const channels = ['email', 'phone', 'sms', 'social', 'meeting', 'in-person', 'web'] as const;
export type Channel = (typeof channels)[number];
export const channelSchema = z.enum(channels, { error: `must be one of ${channels.join(', ')}` });

/** Marketing consent per channel, with when it was given: needed before any campaign may contact someone. */
export const consentSchema = z
  .object({
    email: z.boolean().default(false),
    sms: z.boolean().default(false),
    phone: z.boolean().default(false),
    at: z.string().default('')
  })
  .default({ email: false, sms: false, phone: false, at: '' });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });
