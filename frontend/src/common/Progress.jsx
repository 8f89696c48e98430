import React from 'react';
import PropTypes from 'prop-types';

/**
 * A progress bar with Bootstrap's (Paragon's) look whose role="progressbar" element itself
 * carries the accessible name (Paragon's ProgressBar puts extra props on the outer box).
 */
const Progress = ({
  now, label, variant, className,
}) => {
  const value = Math.max(0, Math.min(100, Math.round(now)));
  return (
    <div className={`progress ${className}`}>
      <div
        className={`progress-bar bg-${variant}`}
        role="progressbar"
        aria-label={label}
        aria-valuenow={value}
        aria-valuemin={0}
        aria-valuemax={100}
        style={{ width: `${value}%` }}
      />
    </div>
  );
};

Progress.propTypes = {
  now: PropTypes.number.isRequired,
  label: PropTypes.string.isRequired,
  variant: PropTypes.string,
  className: PropTypes.string,
};
Progress.defaultProps = { variant: 'primary', className: '' };

export default Progress;
