// The whole app is a client-side SPA: no server rendering, no prerendering of data.
export const ssr = false;
export const prerender = false;
