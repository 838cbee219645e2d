"""SQLAlchemy models of the schema. The Alembic migrations are the only source of the schema;
these classes describe it for queries, and a test checks that the two agree."""

from cradletrace.models.accounts import ApiToken, Role, UnknownScan, User, UserRole
from cradletrace.models.base import Base, NAMING_CONVENTION
from cradletrace.models.commerce import (
    Account,
    Allocation,
    Application,
    CreditHold,
    Document,
    DocumentKind,
    DocumentStatus,
    Line,
    NumberSeries,
)
from cradletrace.models.compliance import (
    Certificate,
    Declaration,
    DeclarationKind,
    DeclaredSubstance,
    Exemption,
    MineralSource,
)
from cradletrace.models.configuration import (
    ConfigComponent,
    ConfigModel,
    ConfigOption,
    ConfigOptionGroup,
    ConfigRule,
    ConfigRuleKind,
    ConfigVariant,
    ConfigVariantOption,
    Configuration,
    ConfigurationOption,
)
from cradletrace.models.contracts import (
    ContractPlan,
    ContractStateChange,
    ContractTerms,
    ContractWarranty,
    ServicePlan,
)
from cradletrace.models.edges import Edge, EdgeKind
from cradletrace.models.events import (
    GENESIS_CHAIN_HASH,
    Action,
    BizTransaction,
    Capture,
    CaptureStatus,
    Event,
    EventObject,
    EventType,
    LogHead,
    ObjectRole,
)
from cradletrace.models.items import Lot, Unit
from cradletrace.models.jobs import CaptureJob, ErrorBehaviour, JobStatus, NamedQuery
from cradletrace.models.masterdata import Location, MasterDataVersion, Party, Product
from cradletrace.models.nodes import Node, NodeKind
from cradletrace.models.pricing import Approval, ApprovalKind, PriceList, PriceListItem, PriceSurcharge
from cradletrace.models.state import LifecycleStatus, UnitState

__all__ = [
    "GENESIS_CHAIN_HASH", "NAMING_CONVENTION", "Account", "Action", "ApiToken", "Allocation", "Application", "Base",
    "BizTransaction", "Capture", "CaptureStatus", "CreditHold", "Document", "DocumentKind", "DocumentStatus",
    "Line", "NumberSeries",
    "Edge", "EdgeKind", "Event", "EventObject", "EventType", "LifecycleStatus", "Location", "LogHead", "Lot",
    "MasterDataVersion", "Certificate", "Declaration", "DeclarationKind", "DeclaredSubstance", "Exemption",
    "MineralSource", "CaptureJob", "ErrorBehaviour", "JobStatus", "NamedQuery",
    "Node", "NodeKind", "ObjectRole", "Party", "Product", "Role", "Unit", "UnitState", "UnknownScan", "User", "UserRole",
    # quote-to-cash
    "ConfigComponent", "ConfigModel", "ConfigOption", "ConfigOptionGroup", "ConfigRule", "ConfigRuleKind",
    "ConfigVariant", "ConfigVariantOption", "Configuration", "ConfigurationOption",
    "Approval", "ApprovalKind", "PriceList", "PriceListItem", "PriceSurcharge",
    "ContractPlan", "ContractStateChange", "ContractTerms", "ContractWarranty", "ServicePlan",
]
