"""The wallet claims' models, defined with the app's others in ``openedx_microcreds.models``
(Django finds an app's models there, and they refer to Award and SigningKey)."""

from ..models import SpentWalletNonce, WalletCopy, WalletExchange, WalletProtocolName

__all__ = ["SpentWalletNonce", "WalletCopy", "WalletExchange", "WalletProtocolName"]
