import React from 'react';
import PropTypes from 'prop-types';
import { IntlProvider } from 'react-intl';
import { getLocale, getMessages } from '@edx/frontend-platform/i18n';

/** What an MFE provides around plugin components: react-intl with the platform's locale. */
const Shell = ({ children }) => {
  const locale = getLocale();
  return (
    <IntlProvider locale={locale} messages={getMessages(locale)} defaultLocale="en">
      {children}
    </IntlProvider>
  );
};

Shell.propTypes = { children: PropTypes.node.isRequired };

export default Shell;
