// Texts of the demo: knowledge-base articles, ticket subjects, interaction summaries, deal reasons.

export type ArticleText = {
  title: string;
  summary: string;
  category: string;
  status: 'draft' | 'published' | 'archived';
  /** SKUs the article is about. */
  skus: readonly string[];
  tags: readonly string[];
  body: string;
};

export const articleTexts: readonly ArticleText[] = [
  {
    title: 'Volta P20: battery heats up or swells',
    summary: 'What to tell a customer whose Volta P20 gets hot while charging or whose back cover lifts.',
    category: 'Known issues',
    status: 'published',
    skus: ['PH-VP20'],
    tags: ['battery', 'warranty', 'volta'],
    body: 'Units sold from February 2026 come from a production batch with a faulty battery cell.\n\n1. Ask the customer to stop charging the phone at once.\n2. Check the IMEI against the recall list.\n3. Swap the phone in store or book a courier pick-up; no charge, no questions.\n4. Log a complaint ticket with product Volta P20 so the count reaches the supplier.'
  },
  {
    title: 'Warranty claims: what is covered',
    summary: 'One-year manufacturer warranty on phones, two years on laptops and TVs, five years on AC compressors.',
    category: 'Policies',
    status: 'published',
    skus: [],
    tags: ['warranty'],
    body: 'Keep the bill (or find the order in Fieldbook). Physical and water damage are not covered. Repairs take 7–10 working days outside the valley.'
  },
  {
    title: 'Return and exchange policy',
    summary: 'Seven days for unopened items, exchange only for opened ones; festival purchases until Bhai Tika + 7 days.',
    category: 'Policies',
    status: 'published',
    skus: [],
    tags: ['returns'],
    body: 'Unopened items: full refund within 7 days. Opened items: exchange for the same model if faulty. During Dashain and Tihar the window runs until seven days after Bhai Tika.'
  },
  {
    title: 'EMI with partner banks',
    summary: '0 % EMI for 6 months on purchases above NPR 20,000 with partner bank cards.',
    category: 'Payments',
    status: 'published',
    skus: [],
    tags: ['emi', 'payments', 'bank'],
    body: 'Bring citizenship, the card and a bank statement. Approval takes 30 minutes in store. Processing fee 1 %.'
  },
  {
    title: 'Setting up a Lumen smart TV',
    summary: 'Wi-Fi, streaming apps and the wall mount in 15 minutes.',
    category: 'How-to',
    status: 'published',
    skus: ['TV-L43', 'TV-L55', 'TV-L65Q'],
    tags: ['tv', 'setup'],
    body: 'Connect to Wi-Fi, sign in to the app store, and run the picture wizard. Use a voltage stabiliser where the supply dips in the evening.'
  },
  {
    title: 'Pairing AirTune earbuds',
    summary: 'Open the case near the phone and hold the button for 3 seconds.',
    category: 'How-to',
    status: 'published',
    skus: ['EB-ATP', 'EB-ATL'],
    tags: ['earbuds', 'bluetooth'],
    body: 'If pairing fails, reset: hold the case button for 15 seconds until the light flashes amber.'
  },
  {
    title: 'Fast charging explained',
    summary: 'Which charger reaches full speed on which phone.',
    category: 'How-to',
    status: 'published',
    skus: ['CH-GAN65', 'CH-C25'],
    tags: ['charging'],
    body: 'Nova and Orion phones charge at 25 W with USB-C PD; the 65 W GaN charger also powers AeroBook laptops.'
  },
  {
    title: 'Inverter AC installation checklist',
    summary: 'Site survey, stand, stabiliser, copper piping length.',
    category: 'Service',
    status: 'published',
    skus: ['AP-AC15'],
    tags: ['ac', 'installation'],
    body: 'Book installation within 48 hours of delivery. Pipes longer than 4 m are charged extra. Always fit the outdoor unit on a stand.'
  },
  {
    title: 'Dashain and Tihar delivery schedule',
    summary: 'Cut-off dates for delivery before Dashain and Bhai Tika, by region.',
    category: 'Operations',
    status: 'published',
    skus: [],
    tags: ['delivery', 'festival'],
    body: 'Valley: order by Saptami for delivery before Dashami. Pokhara, Biratnagar, Butwal, Chitwan: two days earlier. No deliveries on Dashami and Bhai Tika.'
  },
  {
    title: 'Moving data to a new phone',
    summary: 'Contacts, photos and chats from the old phone in store, free with any phone purchase.',
    category: 'How-to',
    status: 'published',
    skus: ['PH-NX15P', 'PH-NX15', 'PH-OS24U', 'PH-OS24', 'PH-PX9P'],
    tags: ['setup', 'phones'],
    body: 'Use the brand\'s transfer app over Wi-Fi; for chats, back up to the cloud first. Takes 20–40 minutes.'
  },
  {
    title: 'Bulk orders for schools and offices',
    summary: 'Pricing tiers, delivery and on-site setup for 5 or more laptops or TVs.',
    category: 'Sales',
    status: 'published',
    skus: ['LT-CH11', 'LT-TE14', 'LT-VL14'],
    tags: ['b2b', 'bulk'],
    body: '5–19 units: 5 % off; 20–49: 8 %; 50+: ask the sales head. VAT bills in the organisation\'s PAN. Setup on site in the valley is free.'
  },
  {
    title: 'Refrigerator not cooling after delivery',
    summary: 'Wait 4 hours before switching on after transport.',
    category: 'Service',
    status: 'published',
    skus: ['AP-FR260'],
    tags: ['fridge'],
    body: 'The compressor oil needs to settle. If it still does not cool after 24 hours, book a technician visit.'
  },
  {
    title: 'Smart watch health readings',
    summary: 'Why heart-rate and SpO2 readings differ from a clinic device.',
    category: 'How-to',
    status: 'draft',
    skus: ['SW-PW3', 'SW-OW6', 'SW-PB8'],
    tags: ['watch'],
    body: 'Wear the watch a finger above the wrist bone, snug. Readings are for fitness, not diagnosis.'
  },
  {
    title: 'Load-shedding era UPS advice',
    summary: 'Old advice on inverters and UPS sizing; kept for reference.',
    category: 'How-to',
    status: 'archived',
    skus: [],
    tags: ['power'],
    body: 'Superseded: supply is stable in most cities; a voltage stabiliser is enough for most appliances.'
  }
];

export const lostReasons = ['Price too high', 'Chose a competitor', 'Budget cut', 'No decision made', 'Delivery timeline too long', 'Bought from an online marketplace', 'Went with a government tender supplier'] as const;
export const wonReasons = ['Best price with warranty', 'Fast delivery', 'Existing relationship', 'Bundle discount', 'After-sales service in their city', 'EMI offer'] as const;
export const nextSteps = ['Send revised quote', 'Demo at their site', 'Call procurement', 'Confirm delivery date', 'Share EMI papers', 'Meet the principal', 'Wait for board approval'] as const;
export const opportunitySources = ['referral', 'website', 'walk-in', 'campaign', 'partner', 'trade fair', 'repeat customer'] as const;

export const complaintSubjects: Record<string, readonly string[]> = {
  defect: ['battery swelling', 'overheating while charging', 'back cover lifting', 'stops charging at 80 %', 'phone restarts when hot'],
  generic: ['not working as expected', 'stopped working after a week', 'dead on arrival', 'missing accessories in the box', 'scratches on delivery', 'wrong model delivered']
};
export const requestSubjects = ['Need VAT bill copy', 'Installation visit', 'EMI documents', 'Data transfer help', 'Warranty card missing', 'Delivery reschedule', 'Screen guard fitting'] as const;
export const questionSubjects = ['Is it compatible with 5G in Nepal?', 'How long is the warranty?', 'Does it support fast charging?', 'Which case fits?', 'Can I pay in instalments?'] as const;
export const incidentSubjects = ['Delivery van delayed', 'Payment debited twice', 'Store POS was down during purchase'] as const;
export const resolutions = ['Replaced under warranty', 'Refund issued', 'Software update fixed it', 'Explained the settings', 'Sent the knowledge-base article', 'Technician visit done', 'Exchanged for another model'] as const;

export const inquiryTopics = ['price of', 'stock of', 'EMI on', 'exchange offer for', 'colours of', 'warranty on', 'delivery time for'] as const;
export const salesTopics = ['follow-up on', 'offer for', 'quote for', 'reminder about', 'demo of'] as const;
export const supportTopics = ['setup help with', 'charging issue with', 'repair status of', 'warranty question about', 'return of'] as const;
export const orderTopics = ['delivery of', 'installation of', 'bill for', 'pick-up of'] as const;
