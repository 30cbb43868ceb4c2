"""All tables of the core. Importing this module registers them on SQLModel.metadata."""

from sqlmodel import SQLModel

from .catalog import Product, ProductBarcode, Supplier
from .customers import Address, CurrencyRate, Customer, CustomerContact
from .events import BusinessEvent, Webhook, WebhookDelivery, WebhookDeliveryStatus
from .forecast import DemandForecast, DemandHistory
from .orders import Channel, OrderFlag, OrderLine, SalesOrder, SalesOrderFlag
from .payments import CartHold, CartHoldLine, CartHoldStatus, PaymentAuthorisation
from .people import (
    AccountPermission,
    AuditEntry,
    Counter,
    NoticeStatus,
    Notification,
    Role,
    ScanRecord,
    User,
    UserKind,
    UserRole,
)
from .picking import PickList, PickTask, Tote, Wave
from .purchasing import PurchaseOrder, PurchaseOrderLine
from .sales import BusinessCustomer, Invoice, InvoiceLine, InvoicePayment, Quote, QuoteLine
from .shipping import (
    BoxType,
    Carrier,
    CarrierRate,
    CarrierService,
    CreditNote,
    Package,
    PackageLine,
    PaymentEvent,
    PrintJob,
    ReturnLine,
    ReturnOrder,
    ReturnUnit,
    Shipment,
)
from .stock import (
    CountTask,
    MoveKind,
    MoveTask,
    MoveTaskKind,
    Reservation,
    ReservationStatus,
    Stock,
    StockMove,
    TaskStatus,
)
from .warehouse import Location, LocationKind, Warehouse, Zone

metadata = SQLModel.metadata

__all__ = [
    "AccountPermission",
    "Address",
    "AuditEntry",
    "BoxType",
    "BusinessCustomer",
    "BusinessEvent",
    "Carrier",
    "CarrierRate",
    "CarrierService",
    "CartHold",
    "CartHoldLine",
    "CartHoldStatus",
    "Channel",
    "CountTask",
    "Counter",
    "CreditNote",
    "CurrencyRate",
    "Customer",
    "CustomerContact",
    "DemandForecast",
    "DemandHistory",
    "Invoice",
    "InvoiceLine",
    "InvoicePayment",
    "Location",
    "LocationKind",
    "MoveKind",
    "MoveTask",
    "MoveTaskKind",
    "NoticeStatus",
    "Notification",
    "OrderFlag",
    "OrderLine",
    "Package",
    "PackageLine",
    "PaymentAuthorisation",
    "PaymentEvent",
    "PickList",
    "PickTask",
    "PrintJob",
    "Product",
    "ProductBarcode",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Quote",
    "QuoteLine",
    "Reservation",
    "ReservationStatus",
    "ReturnLine",
    "ReturnOrder",
    "ReturnUnit",
    "Role",
    "SalesOrder",
    "SalesOrderFlag",
    "ScanRecord",
    "Shipment",
    "Stock",
    "StockMove",
    "Supplier",
    "TaskStatus",
    "Tote",
    "User",
    "UserKind",
    "UserRole",
    "Warehouse",
    "Wave",
    "Webhook",
    "WebhookDelivery",
    "WebhookDeliveryStatus",
    "Zone",
    "metadata",
]
