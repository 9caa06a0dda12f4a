using System.Globalization;
using NodaTime;
using NodaTime.Text;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>
/// The systems the engine's ids and codes are written under, and the conversions every mapping shares (instants,
/// dates, money, identifier-only references). The engine's own ids and codes use <c>urn:medcoord:…</c> URIs; standard
/// codes use their published systems.
/// </summary>
internal static class Fhir
{
    public const string Base = "urn:medcoord:";
    public const string PatientSystem = Base + "patient";
    public const string ProviderSystem = Base + "provider";
    public const string ActorSystem = Base + "actor";
    public const string AppointmentTypeSystem = Base + "appointment-type";
    public const string RequestSystem = Base + "scheduling-request";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Hcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
    public const string PlaceOfService = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
    public const string Npi = "http://hl7.org/fhir/sid/us-npi";
    public const string Ein = "urn:oid:2.16.840.1.113883.4.4";
    public const string DataAbsentReason = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
    public const string Usd = "USD";

    /// <summary>The system of an engine record kind's ids, for example <c>urn:medcoord:visit</c>.</summary>
    public static string IdSystem(string kind) => Base + kind;

    /// <summary>The system of an engine code list, for example <c>urn:medcoord:code:referral-status</c>.</summary>
    public static string CodeSystem(string list) => Base + "code:" + list;

    public static R4.Identifier Id(string kind, string value) => new(IdSystem(kind), value);

    public static R4.Coding Code(string list, string code) => new(CodeSystem(list), code);

    public static R4.CodeableConcept Concept(string list, string code, string? text = null) => new() { Coding = [Code(list, code)], Text = text };

    public static R4.CodeableConcept Concept(string system, string code, string? display, string? text) => new() { Coding = [new R4.Coding(system, code, display)], Text = text };

    /// <summary>A reference to someone known only by an engine id (a provider or an actor): an identifier, no resource.</summary>
    public static R4.ResourceReference Who(string system, string id) => new() { Identifier = new R4.Identifier(system, id) };

    public static R4.ResourceReference Provider(string id) => Who(ProviderSystem, id);

    public static R4.ResourceReference Actor(string id) => Who(ActorSystem, id);

    public static string DateTime(Instant at) => InstantPattern.ExtendedIso.Format(at);

    public static R4.FhirDateTime DateTimeOf(Instant at) => new(DateTime(at));

    public static R4.FhirDateTime DateTimeOf(LocalDate date) => new(LocalDatePattern.Iso.Format(date));

    public static R4.Date DateOf(LocalDate date) => new(LocalDatePattern.Iso.Format(date));

    public static string Text(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static R4.Period PeriodOf(Instant? start, Instant? end) => new() { Start = start is { } s ? DateTime(s) : null, End = end is { } e ? DateTime(e) : null };

    public static R4.Period PeriodOf(LocalDate? start, LocalDate? end) => new() { Start = start is { } s ? Text(s) : null, End = end is { } e ? Text(e) : null };

    public static R4.Money Money(decimal amount) => new() { Value = amount, Currency = R4.Money.Currencies.USD };

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An element the engine does not know, marked with the data-absent-reason extension.</summary>
    public static R4.Extension Absent(string reason) => new(DataAbsentReason, new R4.Code(reason));
}
