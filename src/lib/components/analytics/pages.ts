// The analytics screens: path, name and one line on what each answers (sub-navigation and the overview cards).

export type AnalyticsPage = { id: string; path: string; title: string; question: string };

export const analyticsPages: readonly AnalyticsPage[] = [
  { id: 'segmentation', path: '/analytics/segmentation', title: 'Segmentation', question: 'Who are the champions, who is slipping away? RFM segments and k-means clusters, saved as lists.' },
  { id: 'profitability', path: '/analytics/profitability', title: 'Profitability', question: 'Which customers make money once goods and cost to serve are counted? The whale curve.' },
  { id: 'value', path: '/analytics/value', title: 'Customer value and churn', question: 'Lifetime value and P(alive) per customer (BG/NBD, Gamma-Gamma); a churn model with its ROC curve.' },
  { id: 'next-best-offer', path: '/analytics/next-best-offer', title: 'Next best offer', question: 'What do customers buy together? Association rules by category and product.' },
  { id: 'forecasting', path: '/analytics/forecasting', title: 'Forecasting', question: 'Revenue ahead with Holt-Winters and its uncertainty band; the weighted pipeline; this quarter against last year.' },
  { id: 'pivot', path: '/analytics/pivot', title: 'Pivot', question: 'Revenue, margin and orders by time, region, segment, category, owner and channel — drill, slice, export.' },
  { id: 'cohorts', path: '/analytics/cohorts', title: 'Cohorts', question: 'Of the customers who first bought in a month, how many came back later?' },
  { id: 'service', path: '/analytics/service', title: 'Service and campaigns', question: 'Products drawing more tickets than the rest (tested), and each campaign message’s open, click and response rates.' },
  { id: 'import', path: '/analytics/import', title: 'Analyse outside data', question: 'Import a purchase history CSV (e.g. UCI Online Retail) and run every analysis on it.' }
];
