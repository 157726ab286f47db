// plotly.js-dist-min ships no types; components/charts/plotlyBundle.ts narrows it to what the app uses.
declare module 'plotly.js-dist-min' {
  const Plotly: unknown;
  export default Plotly;
}
