// wink-lemmatizer ships no types: the functions the reason classifier calls.
declare module 'wink-lemmatizer' {
  interface Lemmatizer {
    noun(word: string): string;
    verb(word: string): string;
  }
  const lemmatizer: Lemmatizer;
  export default lemmatizer;
}
