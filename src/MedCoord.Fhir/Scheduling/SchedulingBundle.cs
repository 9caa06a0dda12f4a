using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Validation;
using Bundle = Hl7.Fhir.Model.Bundle;

namespace MedCoord.Fhir.Scheduling;

/// <summary>
/// A scheduling problem (format v1) and its schedule as a FHIR R4 transaction Bundle, and back (docs/fhir.md,
/// "Scheduling"): facilities and rooms as Locations, providers as Practitioners with PractitionerRoles, appointment
/// types as HealthcareServices (ActivityDefinitions are read too), requests as ServiceRequests, fixed bookings and a
/// schedule's assignments as Appointments, busy time as Schedules and Slots. Thread safe.
/// </summary>
public static class SchedulingBundle
{
    /// <summary>
    /// The transaction Bundle of a problem and, optionally, a schedule of it. A problem read from a Bundle keeps the ids
    /// its PractitionerRoles, fixed-booking Appointments and Schedules had there when <paramref name="ids"/> is the
    /// import's <see cref="SchedulingImport.ResourceIds"/>, so that <c>Export(Import(bundle))</c> writes those resources
    /// under their own ids.
    /// </summary>
    /// <param name="problem">A valid problem.</param>
    /// <param name="schedule">A schedule of the problem (assignments become booked Appointments, unscheduled requests waitlisted ones); <see langword="null"/> for none.</param>
    /// <param name="ids">The ids to keep; <see langword="null"/> to derive every id from the problem.</param>
    /// <returns>The Bundle: every entry a PUT of a resource under its id.</returns>
    /// <exception cref="ProblemValidationException">The problem is invalid.</exception>
    /// <exception cref="ValidationException">The schedule names requests, providers, rooms or facilities the problem does not have.</exception>
    public static Bundle Export(Problem problem, Schedule? schedule = null, SchedulingResourceIds? ids = null) => BundleExporter.Export(problem, schedule, ids);

    /// <summary>Reads the scheduling problem a Bundle holds (any Bundle type), checked as a problem file is.</summary>
    /// <param name="bundle">The Bundle.</param>
    /// <returns>The problem, or every fault found, each naming its resource (type/id) and the FHIRPath of the fault.</returns>
    public static SchedulingImport Import(Bundle bundle)
    {
        var (problem, ids, errors) = BundleImporter.Import(bundle);
        return new SchedulingImport(problem, ids, errors);
    }
}

/// <summary>What <see cref="SchedulingBundle.Import"/> read: a valid problem, or the faults.</summary>
public sealed class SchedulingImport
{
    internal SchedulingImport(Problem? problem, SchedulingResourceIds ids, IReadOnlyList<ValidationError> errors)
    {
        Problem = problem;
        ResourceIds = ids;
        Errors = errors;
    }

    /// <summary>Gets the ids of the bundle's resources a problem has no field for, to be kept by <see cref="SchedulingBundle.Export(Problem, Schedule?, SchedulingResourceIds?)"/>.</summary>
    public SchedulingResourceIds ResourceIds { get; }

    /// <summary>Gets the problem, valid by every rule of the format; <see langword="null"/> when there are errors.</summary>
    public Problem? Problem { get; }

    /// <summary>Gets every fault: the path names the resource (<c>Location/main at Location.hoursOfOperation[0].openingTime</c>); empty when the problem was read.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }
}

/// <summary>
/// The ids resources had in a bundle that a problem does not hold (its entities keep theirs through their own ids and
/// identifiers): a PractitionerRole's per provider and facility (the first role of a pair when there are several), a
/// fixed booking's Appointment per request, and a Schedule's per actor. Slots are derived from the schedule, so theirs
/// are not kept.
/// </summary>
/// <param name="Roles">Role id by <c>provider|facility</c> (the facility empty for a role without a location).</param>
/// <param name="Appointments">Appointment id by request id.</param>
/// <param name="Schedules">Schedule id by <c>kind|id</c>: <c>provider|dr-lee</c>, <c>room|exam-1</c>, <c>patient|p-001</c>.</param>
public sealed record SchedulingResourceIds(IReadOnlyDictionary<string, string> Roles, IReadOnlyDictionary<string, string> Appointments, IReadOnlyDictionary<string, string> Schedules)
{
    /// <summary>Gets no ids: every id derived from the problem.</summary>
    public static SchedulingResourceIds None { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>());
}
