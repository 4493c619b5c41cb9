// The browser tab names the page ("API keys · Shuttle"), so several tabs and the history can be told apart.
import { useEffect } from 'react';

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Shuttle`;
  }, [title]);
}
