// The providers every page relies on: server state (TanStack Query), toasts, and the router.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/api-error';
import { Toaster } from './components/toaster';
import { AppRoutes } from './routes';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // The API's 4xx answers are final; retry only what may pass on its own.
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Toaster>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </Toaster>
    </QueryClientProvider>
  );
}
