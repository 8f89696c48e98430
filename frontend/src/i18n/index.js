/**
 * Translations of this package's strings, by locale, in the shape frontend-platform's
 * `configureI18n`/`mergeMessages` take (`{ "fr": { "microcreds.…": "…" } }`). English is the
 * defaultMessage of each defineMessages entry; `npm run i18n_extract` lists them for
 * translators, whose JSON files are added under ./messages/ and imported here.
 */
const messages = {};

export default messages;
