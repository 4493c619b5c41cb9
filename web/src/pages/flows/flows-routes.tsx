// /flows and /flows/:flow, one lazy chunk: the list of flows, and one flow.
import { Route, Routes } from 'react-router';
import { FlowPage } from './flow-page';
import { FlowsPage } from './flows-page';

export function FlowsRoutes() {
  return (
    <Routes>
      <Route index element={<FlowsPage />} />
      <Route path=":flow" element={<FlowPage />} />
    </Routes>
  );
}
