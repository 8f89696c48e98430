/**
 * studio.js: a minimal "Pages & Resources" page of Studio with the plugin's card in the place
 * of the `additional_course_plugin` slot, under the route Studio uses.
 */
import '@openedx/paragon/dist/core.min.css';
import '@openedx/paragon/dist/light.min.css';
import './harness.css';
import React from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import setUpPlatform from './platform';
import Shell from './Shell';
import { MicrocredsCourseAppCard } from '../src';

const PagesAndResources = () => (
  <main className="container-fluid py-4 harness-studio">
    <header className="mb-4 border-bottom pb-2">
      <div className="small text-muted">Studio (sandbox)</div>
      <h1 className="h2">Pages &amp; Resources</h1>
    </header>
    <div className="row">
      <div className="col-md-6 col-xl-4 mb-4">
        <div className="card h-100 harness-placeholder-card">
          <div className="card-body">
            <h2 className="h4">Progress</h2>
            <p className="small mb-0">A built-in course app, shown for context.</p>
          </div>
        </div>
      </div>
      <div className="col-md-6 col-xl-4 mb-4" data-slot-id="additional_course_plugin">
        <MicrocredsCourseAppCard />
      </div>
    </div>
  </main>
);

const root = document.getElementById('microcreds-root');
if (root) {
  setUpPlatform(root);
  createRoot(root).render(
    <Shell>
      <BrowserRouter basename={root.dataset.basename || '/'}>
        <Routes>
          <Route path="/course/:courseId/pages-and-resources" element={<PagesAndResources />} />
          <Route path="*" element={<p className="p-4">No such page in the harness.</p>} />
        </Routes>
      </BrowserRouter>
    </Shell>,
  );
}
