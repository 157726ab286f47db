// plotly.js-dist-min ships no types; components/charts/plotlyBundle.ts narrows it to what the app uses.
declare module 'plotly.js-dist-min' {
  const Plotly: unknown;
  export default Plotly;
}

// plotly.js-locales ships no types: each file is one locale module for Plotly.register.
declare module 'plotly.js-locales/zh-cn' {
  const locale: { moduleType: 'locale'; name: string; dictionary: Record<string, string>; format: Record<string, unknown> };
  export default locale;
}
