"""The standard fields of the five EPCIS 2.0 event types, in the element order of the EPCIS 2.0 XSD.

One table serves the validator (which fields each type allows), the XML reader (element
order) and the XML writer (the order the XSD requires). Written from the EPCIS 2.0
standard; the GS1 schema files themselves are test fixtures only and are not shipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

_F = TypeVar("_F")

#: Fields of every event, in the order of ``EPCISEventType`` (``baseExtension`` is unwrapped).
COMMON_FIELDS: tuple[str, ...] = (
    "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo",
)

#: Type-specific fields in XSD sequence order.
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "ObjectEvent": (
        "epcList", "action", "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList",
        "quantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition", "ilmd",
    ),
    "AggregationEvent": (
        "parentID", "childEPCs", "action", "bizStep", "disposition", "readPoint", "bizLocation",
        "bizTransactionList", "childQuantityList", "sourceList", "destinationList", "sensorElementList",
        "persistentDisposition",
    ),
    "TransactionEvent": (
        "bizTransactionList", "parentID", "epcList", "action", "bizStep", "disposition", "readPoint",
        "bizLocation", "quantityList", "sourceList", "destinationList", "sensorElementList",
        "persistentDisposition",
    ),
    "TransformationEvent": (
        "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID",
        "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
        "destinationList", "sensorElementList", "persistentDisposition", "ilmd",
    ),
    "AssociationEvent": (
        "parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition", "readPoint",
        "bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
        "persistentDisposition",
    ),
}

EVENT_TYPES: frozenset[str] = frozenset(TYPE_FIELDS)

#: Every event type's fields in XSD order (common ones first).
FIELD_ORDER: dict[str, tuple[str, ...]] = {t: COMMON_FIELDS + f for t, f in TYPE_FIELDS.items()}
#: Position of each field in :data:`FIELD_ORDER`, for order checks.
FIELD_POSITION: dict[str, dict[str, int]] = {t: {f: i for i, f in enumerate(fs)} for t, fs in FIELD_ORDER.items()}
#: Keys allowed in a canonical event besides the type's fields and Clark-keyed extensions.
META_KEYS: frozenset[str] = frozenset({"type", "comment"})

EPC_LISTS: frozenset[str] = frozenset({"epcList", "childEPCs", "inputEPCList", "outputEPCList"})
QUANTITY_LISTS: frozenset[str] = frozenset(
    {"quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"})
#: EPC lists whose JSON schema type demands unique items (applied to TransactionEvent's epcList too).
UNIQUE_EPC_LISTS: frozenset[str] = frozenset({"epcList", "inputEPCList", "outputEPCList"})
ACTIONS: frozenset[str] = frozenset({"ADD", "OBSERVE", "DELETE"})

SENSOR_METADATA_FIELDS: dict[str, str] = {
    "time": "time", "deviceID": "uri", "deviceMetadata": "uri", "rawData": "uri", "startTime": "time",
    "endTime": "time", "bizRules": "uri", "dataProcessingMethod": "uri",
}
#: sensorReport attributes and their value kinds (``number`` is ``xsd:double`` in XML).
SENSOR_REPORT_FIELDS: dict[str, str] = {
    "type": "measurement", "exception": "alert", "deviceID": "uri", "deviceMetadata": "uri", "rawData": "uri",
    "dataProcessingMethod": "uri", "bizRules": "uri", "time": "time", "microorganism": "uri",
    "chemicalSubstance": "uri", "coordinateReferenceSystem": "uri", "value": "number", "component": "component",
    "stringValue": "string", "booleanValue": "boolean", "hexBinaryValue": "hex", "uriValue": "uri",
    "minValue": "number", "maxValue": "number", "meanValue": "number", "sDev": "number", "percRank": "number",
    "percValue": "number", "uom": "string",
}
#: The order in which the XML writer emits sensorReport attributes (the XSD's).
SENSOR_REPORT_ORDER: tuple[str, ...] = (
    "type", "value", "component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue", "uom",
    "minValue", "maxValue", "sDev", "chemicalSubstance", "microorganism", "deviceID", "deviceMetadata",
    "rawData", "time", "meanValue", "percRank", "percValue", "dataProcessingMethod",
    "coordinateReferenceSystem", "exception", "bizRules",
)
ERROR_DECLARATION_FIELDS: tuple[str, ...] = ("declarationTime", "reason", "correctiveEventIDs")

#: The form of each standard field in the XML binding. The XML reader and writer each give one
#: converter per form to :func:`xml_field_table`, so which field takes which form is said here once.
XML_FORMS: dict[str, str] = {
    **dict.fromkeys(("eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "action", "parentID",
                     "transformationID"), "text"),
    "certificationInfo": "certification", "bizStep": "cbv", "disposition": "cbv",
    **dict.fromkeys(EPC_LISTS, "epcs"), **dict.fromkeys(QUANTITY_LISTS, "quantities"),
    "readPoint": "location", "bizLocation": "location", "bizTransactionList": "bizTransactions",
    "sourceList": "sources", "destinationList": "destinations", "persistentDisposition": "persistentDisposition",
    "ilmd": "ilmd", "errorDeclaration": "errorDeclaration", "sensorElementList": "sensorElements",
}


def xml_field_table(converters: Mapping[str, _F]) -> dict[str, _F]:
    """Each standard field -> the converter of its :data:`XML_FORMS` form; every form needs one.

    Examples
    --------
    >>> table = xml_field_table({form: form.upper() for form in set(XML_FORMS.values())})
    >>> table["readPoint"], table["bizLocation"], table["epcList"]
    ('LOCATION', 'LOCATION', 'EPCS')
    >>> xml_field_table({"text": str})
    Traceback (most recent call last):
    ...
    ValueError: no XML converter for the forms bizTransactions, cbv, certification, destinations, epcs, errorDeclaration, ilmd, location, persistentDisposition, quantities, sensorElements, sources
    """
    missing = sorted(set(XML_FORMS.values()) - set(converters))
    if missing:
        raise ValueError(f"no XML converter for the forms {', '.join(missing)}")
    return {name: converters[form] for name, form in XML_FORMS.items()}

#: GS1 Web Vocabulary measurement types (``gs1:MeasurementType``) the JSON binding takes as bare words.
MEASUREMENT_TYPES: frozenset[str] = frozenset("""
    AbsoluteHumidity AbsorbedDose AbsorbedDoseRate Acceleration Radioactivity Altitude AmountOfSubstance
    AmountOfSubstancePerUnitVolume Angle AngularAcceleration AngularMomentum AngularVelocity Area Capacitance
    Conductance Conductivity Count Density Dimensionless DoseEquivalent DoseEquivalentRate DynamicViscosity
    ElectricCharge ElectricCurrent ElectricCurrentDensity ElectricFieldStrength Energy Exposure Force Frequency
    Illuminance Inductance Irradiance KinematicViscosity Length LinearMomentum Luminance LuminousFlux
    LuminousIntensity MagneticFlux MagneticFluxDensity MagneticVectorPotential Mass MassConcentration
    MassFlowRate MassPerAreaTime MemoryCapacity MolalityOfSolute MolarEnergy MolarMass MolarVolume Power
    Pressure RadiantFlux RadiantIntensity RelativeHumidity Resistance Resistivity SolidAngle SpecificVolume
    Speed SurfaceDensity SurfaceTension Temperature Time Torque Voltage Volume VolumeFlowRate VolumeFraction
    VolumetricFlux Wavenumber
""".split())
#: Sensor alert types (``gs1:SensorAlertType``) the JSON binding takes as bare words.
ALERT_TYPES: frozenset[str] = frozenset({"ALARM_CONDITION", "ERROR_CONDITION"})
#: Sensor components the JSON binding takes as bare words.
COMPONENTS: frozenset[str] = frozenset(
    "x y z axial_distance azimuth height spherical_radius polar_angle elevation_angle easting northing "
    "latitude longitude altitude".split())
