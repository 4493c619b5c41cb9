// Short notices after an action ("Sub-key created"), as Radix toasts: announced politely, dismissible by keyboard.
import { Toast } from 'radix-ui';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

interface Notice {
  id: number;
  title: string;
  tone: 'success' | 'error';
}

type Notify = (title: string, tone?: Notice['tone']) => void;

const ToastContext = createContext<Notify>(() => {});

export function useToast(): Notify {
  return useContext(ToastContext);
}

let nextId = 1;

export function Toaster({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const notify = useCallback<Notify>((title, tone = 'success') => {
    setNotices((current) => [...current.slice(-2), { id: nextId++, title, tone }]);
  }, []);
  const value = useMemo(() => notify, [notify]);
  const remove = (id: number) => setNotices((current) => current.filter((notice) => notice.id !== id));

  return (
    <ToastContext.Provider value={value}>
      <Toast.Provider swipeDirection="right" duration={4000}>
        {children}
        {notices.map((notice) => (
          <Toast.Root
            key={notice.id}
            className={`toast ${notice.tone}`}
            type={notice.tone === 'error' ? 'foreground' : 'background'}
            onOpenChange={(open) => {
              if (!open) remove(notice.id);
            }}
          >
            <Toast.Title className="toast-title">{notice.title}</Toast.Title>
            <Toast.Close className="toast-close" aria-label="Dismiss">
              ×
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="toast-viewport" />
      </Toast.Provider>
    </ToastContext.Provider>
  );
}
