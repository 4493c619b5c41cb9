// "New flow": a title and an optional slug (made from the title when left empty); then on to the new flow's page.
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCreateFlow } from '../../api/flows';
import { Dialog, DialogClose } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { useToast } from '../../components/toaster';

/** As the server makes a slug from a title ("Support reply (v2)!" → "support-reply-v2"), to show it beforehand. */
function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

export function NewFlowDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const create = useCreateFlow();
  const navigate = useNavigate();
  const notify = useToast();
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');

  const change = (next: boolean) => {
    if (!next) {
      create.reset();
      setTitle('');
      setSlug('');
    }
    onOpenChange(next);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = slug.trim();
    create.mutate(
      { title: title.trim(), ...(wanted ? { slug: wanted } : {}) },
      {
        onSuccess: (flow) => {
          notify(`Flow "${flow.title}" created`);
          change(false);
          navigate(`/flows/${encodeURIComponent(flow.slug)}`);
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={change}
      title="New flow"
      description="A flow is a prompt with numbered versions. Name it for what it does."
    >
      <form onSubmit={submit} className="stack">
        <Field label="Title">
          {(props) => (
            <input
              {...props}
              required
              maxLength={200}
              placeholder="Support reply"
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          )}
        </Field>
        <Field
          label="Slug"
          hint={
            <>
              How the API names the flow (<code>/flows/{slug.trim() || slugOf(title) || 'support-reply'}/runs</code>). Leave empty to make
              it from the title.
            </>
          }
        >
          {(props) => (
            <input
              {...props}
              maxLength={64}
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              title="Lower-case words joined by dashes, e.g. support-reply"
              placeholder={slugOf(title) || 'support-reply'}
              value={slug}
              onChange={(event) => setSlug(event.target.value)}
            />
          )}
        </Field>
        <ErrorMessage error={create.error} />
        <div className="dialog-actions">
          <DialogClose>
            <button type="button" className="button">
              Cancel
            </button>
          </DialogClose>
          <button type="submit" className="button primary" disabled={create.isPending} aria-busy={create.isPending}>
            Create flow
          </button>
        </div>
      </form>
    </Dialog>
  );
}
