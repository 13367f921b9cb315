/**
 * Puts a style sheet in a cascade layer (`@layer taro-components { … }`), so that every
 * unlayered rule of the app outweighs it whatever the specificity and the order of the two.
 * Used for the styles of Taro's HTML components on H5 (config/prod.ts): their defaults
 * (`.taro-button-core.taro-btn-default`: 13–18 px text, grey) otherwise beat the app's own
 * classes (`.primary-button`), and the elderly would read 13 px buttons.
 */
module.exports = function cssLayerLoader(source) {
  const layer = (this.getOptions && this.getOptions().layer) || 'taro-components';
  return `@layer ${layer}{${source}}`;
};
