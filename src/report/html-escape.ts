// Text into HTML: every key, pattern and message is user data, so it is escaped before any markup is added.
export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Prose whose `code spans` (commands, options) become <code>: escaped first, so a key cannot add markup. */
export const proseHtml = (s: string): string => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');
