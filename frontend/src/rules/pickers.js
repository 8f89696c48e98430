/** Picker options made from the API's course context (`courses/{id}/context/`). */
import messages from './messages';

const GROUP_OF_TYPE = {
  chapter: messages.pickerSections,
  sequential: messages.pickerSubsections,
  vertical: messages.pickerUnits,
};

/** Subsections and units (and any other gradable block), graded ones marked. */
export function blockOptions(context, intl) {
  const blocks = context?.blocks || [];
  const order = ['sequential', 'vertical'];
  return blocks
    .filter((block) => block.block_type !== 'course' && block.block_type !== 'chapter')
    .sort((a, b) => {
      const rank = (t) => (order.includes(t) ? order.indexOf(t) : order.length);
      return rank(a.block_type) - rank(b.block_type);
    })
    .map((block) => ({
      value: block.usage_key,
      label: block.graded && block.assignment_type
        ? intl.formatMessage(messages.pickerGraded, { name: block.display_name, type: block.assignment_type })
        : block.display_name,
      group: intl.formatMessage(GROUP_OF_TYPE[block.block_type] || messages.pickerOther),
    }));
}

export function assignmentTypeOptions(context) {
  return (context?.assignment_types || []).map((type) => ({ value: type, label: type }));
}

/** Other credentials a rule may stack on (not the one being edited). */
export function credentialOptions(context, exceptSlug) {
  return (context?.credentials || [])
    .filter((credential) => credential.slug !== exceptSlug)
    .map((credential) => ({
      value: credential.slug,
      label: `${credential.name} (${credential.slug}, ${credential.state})`,
    }));
}

/** The display name of a block the context knows, else its usage key. */
export function blockName(context, usageKey) {
  const block = (context?.blocks || []).find((b) => b.usage_key === usageKey);
  return block ? block.display_name : usageKey;
}
