using MedCoord.Engine.Results;
using MedCoord.Scheduling.Validation;
using R4 = Hl7.Fhir.Model;

namespace MedCoord.Fhir;

/// <summary>What an import read: the engine's records, or every problem found (then no records).</summary>
/// <typeparam name="T">The engine's record type.</typeparam>
/// <param name="Records">The records read; empty when there are errors.</param>
/// <param name="Errors">Every problem, each with its path into the resource or bundle (<c>entry[2].resource.subject</c>); empty when it read.</param>
public sealed record FhirImport<T>(IReadOnlyList<T> Records, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>Gets whether it read without errors.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Results from an EHR or a lab into the engine (<c>ResultsService.ReceiveAsync</c>): each DiagnosticReport, and
/// each Observation no report of the bundle holds, as an <see cref="IncomingResult"/>. The id is the resource's
/// identifier (<c>urn:medcoord:result</c> when present, else its first), the patient the subject's identifier, the
/// ordering provider the requester of the ServiceRequest it is based on, the kind <c>lab</c> or <c>imaging</c> from its
/// category (else the code's text), the status preliminary (registered, partial, preliminary), final, or amended
/// (amended, corrected, appended), and abnormal when any interpretation (of the report's conclusion, its observations
/// or their components) is abnormal or any value lies outside its reference range. docs/fhir.md has the table. Errors
/// name paths and ids only. Thread safe (no state).
/// </summary>
public static class ResultImport
{
    private const string V2Section = "http://terminology.hl7.org/CodeSystem/v2-0074";
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    private static readonly string[] ImagingSections = ["RAD", "RX", "CT", "MR", "NMR", "NMS", "US", "OUS", "VUS", "CUS", "RUS", "IMG"];
    private static readonly string[] AbnormalInterpretations = ["A", "AA", "H", "HH", "HU", "L", "LL", "LU", "<", ">", "CAR", "RR", "R", "IND", "POS", "DET"];

    /// <summary>The results of a bundle: its reports, and its observations no report holds.</summary>
    /// <param name="bundle">A bundle (any type) of DiagnosticReports and Observations, with the Patients, ServiceRequests and Practitioners they reference.</param>
    /// <returns>The results, or every problem.</returns>
    public static FhirImport<IncomingResult> Read(R4.Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var lookup = new ResourceLookup(bundle);
        var errors = new List<ValidationError>();
        var results = new List<IncomingResult>();
        var held = new HashSet<R4.Resource>(ReferenceEqualityComparer.Instance);
        var entries = bundle.Entry;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Resource is R4.DiagnosticReport report)
            {
                foreach (var observation in report.Result.Select(r => lookup.Find(r, report)).OfType<R4.Observation>())
                {
                    held.Add(observation);
                }

                if (FromReport(report, lookup, $"entry[{i}].resource.", errors) is { } result)
                {
                    results.Add(result);
                }
            }
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Resource is R4.Observation observation && !held.Contains(observation)
                && FromObservation(observation, lookup, $"entry[{i}].resource.", errors) is { } result)
            {
                results.Add(result);
            }
        }

        if (results.Count == 0 && errors.Count == 0)
        {
            errors.Add(new ValidationError("entry", "the bundle holds no DiagnosticReport or Observation"));
        }

        foreach (var twice in results.GroupBy(r => r.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new ValidationError("entry", $"result '{twice.Key}' appears {twice.Count()} times; send one version at a time"));
        }

        return errors.Count > 0 ? new([], errors) : new(results, []);
    }

    /// <summary>The result of one report; its observations, patient and order are found among its contained resources.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The result, or every problem.</returns>
    public static FhirImport<IncomingResult> Read(R4.DiagnosticReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var errors = new List<ValidationError>();
        var result = FromReport(report, new ResourceLookup(null), string.Empty, errors);
        return result is not null ? new([result], []) : new([], errors);
    }

    private static IncomingResult? FromReport(R4.DiagnosticReport report, ResourceLookup lookup, string path, List<ValidationError> errors)
    {
        var observations = report.Result.Select(r => lookup.Find(r, report)).OfType<R4.Observation>().ToList();
        var abnormal = report.ConclusionCode.Any(IsAbnormal) || observations.Any(IsAbnormal);
        var kind = Kind(report.Category.SelectMany(c => c.Coding), report.Code);
        var status = report.Status switch
        {
            R4.DiagnosticReport.DiagnosticReportStatus.Registered or R4.DiagnosticReport.DiagnosticReportStatus.Partial or R4.DiagnosticReport.DiagnosticReportStatus.Preliminary => ResultStatus.Preliminary,
            R4.DiagnosticReport.DiagnosticReportStatus.Final => ResultStatus.Final,
            R4.DiagnosticReport.DiagnosticReportStatus.Amended or R4.DiagnosticReport.DiagnosticReportStatus.Corrected or R4.DiagnosticReport.DiagnosticReportStatus.Appended => ResultStatus.Amended,
            _ => (ResultStatus?)null,
        };
        var orderer = report.BasedOn.Select(b => Orderer(b, report, lookup)).FirstOrDefault(o => o is not null)
            ?? observations.SelectMany(o => o.BasedOn.Select(b => Orderer(b, o, lookup))).FirstOrDefault(o => o is not null);
        return Build(report, report.Identifier, report.Subject, report, lookup, kind, status, report.Status, orderer, abnormal, path, errors);
    }

    private static IncomingResult? FromObservation(R4.Observation observation, ResourceLookup lookup, string path, List<ValidationError> errors)
    {
        var status = observation.Status switch
        {
            R4.ObservationStatus.Registered or R4.ObservationStatus.Preliminary => ResultStatus.Preliminary,
            R4.ObservationStatus.Final => ResultStatus.Final,
            R4.ObservationStatus.Amended or R4.ObservationStatus.Corrected => ResultStatus.Amended,
            _ => (ResultStatus?)null,
        };
        var orderer = observation.BasedOn.Select(b => Orderer(b, observation, lookup)).FirstOrDefault(o => o is not null);
        return Build(observation, observation.Identifier, observation.Subject, observation, lookup, Kind(observation.Category.SelectMany(c => c.Coding), observation.Code), status,
            observation.Status, orderer, IsAbnormal(observation), path, errors);
    }

    private static IncomingResult? Build(R4.Resource resource, List<R4.Identifier> identifiers, R4.ResourceReference? subject, R4.DomainResource container, ResourceLookup lookup,
        string? kind, ResultStatus? status, Enum? fhirStatus, string? orderer, bool abnormal, string path, List<ValidationError> errors)
    {
        var before = errors.Count;
        var id = identifiers.FirstOrDefault(i => i.System == Fhir.IdSystem("result") && i.Value is { Length: > 0 })?.Value
            ?? identifiers.FirstOrDefault(i => i.Value is { Length: > 0 })?.Value
            ?? resource.Id;
        if (id is not { Length: > 0 })
        {
            errors.Add(new ValidationError(path + "identifier", $"the {resource.TypeName} has neither an identifier nor an id"));
        }

        var name = $"{resource.TypeName} '{id}'";
        var patient = lookup.IdOf(subject, container, Fhir.PatientSystem);
        if (patient is null)
        {
            errors.Add(new ValidationError(path + "subject", subject is null ? $"{name} has no subject" : $"{name}: the subject is neither in the bundle nor identified"));
        }

        if (orderer is null)
        {
            errors.Add(new ValidationError(path + "basedOn", $"{name} names no ordering provider (the requester of the ServiceRequest it is based on)"));
        }

        if (status is null)
        {
            errors.Add(new ValidationError(path + "status", fhirStatus is null ? $"{name} has no status" : $"{name} is {Hl7.Fhir.Utility.EnumUtility.GetLiteral(fhirStatus)}; only a preliminary, final or amended result is taken in"));
        }

        if (kind is null)
        {
            errors.Add(new ValidationError(path + "code", $"{name} has neither a lab or imaging category nor a code"));
        }

        return errors.Count > before ? null : new IncomingResult(id!, patient!, orderer!, kind!, status!.Value, abnormal);
    }

    private static string? Orderer(R4.ResourceReference basedOn, R4.DomainResource container, ResourceLookup lookup) =>
        lookup.Find(basedOn, container) is R4.ServiceRequest order ? lookup.IdOf(order.Requester, order, Fhir.ProviderSystem) ?? lookup.IdOf(order.Requester, container, Fhir.ProviderSystem) : null;

    private static string? Kind(IEnumerable<R4.Coding> categories, R4.CodeableConcept? code)
    {
        var list = categories.ToList();
        if (list.Any(c => (c.System == V2Section && c.Code == "LAB") || (c.System == ObservationCategory && c.Code == "laboratory")))
        {
            return "lab";
        }

        if (list.Any(c => (c.System == V2Section && ImagingSections.Contains(c.Code, StringComparer.Ordinal)) || (c.System == ObservationCategory && c.Code == "imaging")))
        {
            return "imaging";
        }

        return code?.Text is { Length: > 0 } text ? text : code?.Coding.FirstOrDefault(c => c.Display is { Length: > 0 })?.Display ?? code?.Coding.FirstOrDefault(c => c.Code is { Length: > 0 })?.Code;
    }

    private static bool IsAbnormal(R4.CodeableConcept interpretation) => interpretation.Coding.Any(c => c.Code is { } code && AbnormalInterpretations.Contains(code, StringComparer.Ordinal));

    private static bool IsAbnormal(R4.Observation observation) =>
        observation.Interpretation.Any(IsAbnormal) || OutOfRange(observation.Value, observation.ReferenceRange)
        || observation.Component.Any(c => c.Interpretation.Any(IsAbnormal) || OutOfRange(c.Value, c.ReferenceRange));

    private static bool OutOfRange(R4.DataType? value, List<R4.Observation.ReferenceRangeComponent> ranges) =>
        value is R4.Quantity { Value: { } v } && ranges.Any(r => (r.Low?.Value is { } low && v < low) || (r.High?.Value is { } high && v > high));
}
