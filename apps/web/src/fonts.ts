// The console's fonts, bundled (never a system font or a font server): Noto Sans (Latin,
// Cyrillic), Noto Sans Arabic, Noto Sans SC. The console and the printed report load the same.
import '@fontsource/noto-sans/400.css';
import '@fontsource/noto-sans/700.css';
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-arabic/700.css';
import '@fontsource/noto-sans-sc/400.css';
