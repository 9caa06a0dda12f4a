using System.Globalization;
using MedCoord.Scheduling.Validation;

namespace MedCoord.Engine.Billing;

/// <summary>One fee schedule entry: a service, the modifiers that price it, and the allowed amount per unit.</summary>
/// <param name="ProcedureCode">The CPT or HCPCS Level II code.</param>
/// <param name="Modifiers">The pricing modifiers (for example <c>26</c> or <c>TC</c>); empty for the code's default price.</param>
/// <param name="Allowed">The allowed amount for one unit, at most two decimals.</param>
public sealed record FeeScheduleEntry(string ProcedureCode, IReadOnlyList<string> Modifiers, decimal Allowed);

/// <summary>A payer's allowed amounts, for all its plans or for one.</summary>
/// <param name="PayerId">The payer (as <see cref="Coverage.PayerId"/>).</param>
/// <param name="PlanId">The plan (as <see cref="Coverage.PlanId"/>); null for every plan of the payer without a schedule of its own.</param>
/// <param name="Entries">The entries.</param>
public sealed record FeeSchedule(string PayerId, string? PlanId, IReadOnlyList<FeeScheduleEntry> Entries);

/// <summary>Where an estimate's allowed amount came from.</summary>
public enum AllowedSource
{
    /// <summary>The payer's fee schedule (the lesser of its amount and the charge).</summary>
    FeeSchedule,

    /// <summary>No fee schedule entry: the charge is taken as the allowed amount.</summary>
    Charge,
}

/// <summary>
/// Finds allowed amounts: the schedule of the coverage's payer and plan, else the payer's schedule for every plan; in it
/// the entry of the line's code whose modifiers are all on the line, the one with most modifiers first, then the first
/// listed; its amount per unit times the units, rounded to the cent (halves away from zero). Thread safe.
/// </summary>
public static class FeeSchedules
{
    /// <summary>The schedule that prices a coverage's claims, or null when there is none.</summary>
    /// <param name="schedules">Every schedule.</param>
    /// <param name="coverage">The coverage.</param>
    /// <returns>The schedule.</returns>
    public static FeeSchedule? For(IEnumerable<FeeSchedule> schedules, Coverage coverage)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(coverage);
        var payer = schedules.Where(s => s.PayerId == coverage.PayerId).ToList();
        return payer.FirstOrDefault(s => s.PlanId is not null && s.PlanId == coverage.PlanId) ?? payer.FirstOrDefault(s => s.PlanId is null);
    }

    /// <summary>The schedule's amount for a line (all its units), or null when no entry prices it.</summary>
    /// <param name="schedule">The schedule, or null.</param>
    /// <param name="line">The line.</param>
    /// <returns>The allowed amount.</returns>
    public static decimal? Allowed(FeeSchedule? schedule, ServiceLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var modifiers = line.Modifiers ?? [];
        var entry = schedule?.Entries
            .Where(e => e.ProcedureCode == line.ProcedureCode && e.Modifiers.All(m => modifiers.Contains(m, StringComparer.Ordinal)))
            .OrderByDescending(e => e.Modifiers.Count)
            .FirstOrDefault();
        return entry is null ? null : decimal.Round(entry.Allowed * line.Units, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>Every problem of the schedules, each with its path (<c>feeSchedules[0].entries[1].allowed</c>); empty when valid.</summary>
    /// <param name="schedules">The schedules.</param>
    /// <returns>The problems.</returns>
    public static IReadOnlyList<ValidationError> Validate(IReadOnlyList<FeeSchedule> schedules)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        var problems = new List<ValidationError>();
        for (var i = 0; i < schedules.Count; i++)
        {
            var path = $"feeSchedules[{i}]";
            if (schedules[i] is not { } schedule)
            {
                problems.Add(new ValidationError(path, "must not be null"));
                continue;
            }

            if (string.IsNullOrWhiteSpace(schedule.PayerId))
            {
                problems.Add(new ValidationError($"{path}.payerId", "required"));
            }

            if (schedules.Take(i).Any(s => s is not null && s.PayerId == schedule.PayerId && s.PlanId == schedule.PlanId))
            {
                problems.Add(new ValidationError(path, "a second schedule for the same payer and plan"));
            }

            var entries = schedule.Entries ?? [];
            for (var k = 0; k < entries.Count; k++)
            {
                var at = $"{path}.entries[{k}]";
                if (entries[k] is not { } entry)
                {
                    problems.Add(new ValidationError(at, "must not be null"));
                    continue;
                }

                if (Codes.CheckProcedure(entry.ProcedureCode) is { } code)
                {
                    problems.Add(new ValidationError($"{at}.procedureCode", code));
                }

                if (Codes.CheckModifiers(entry.Modifiers) is { } modifiers)
                {
                    problems.Add(new ValidationError($"{at}.modifiers", modifiers));
                }

                if (entry.Allowed < 0 || decimal.Round(entry.Allowed, 2) != entry.Allowed || entry.Allowed > 99_999_999)
                {
                    problems.Add(new ValidationError($"{at}.allowed", string.Create(CultureInfo.InvariantCulture, $"must be a non-negative amount with at most two decimals, found {entry.Allowed}")));
                }

                if (entries.Take(k).Any(e => e is not null && e.ProcedureCode == entry.ProcedureCode && (e.Modifiers ?? []).Order().SequenceEqual((entry.Modifiers ?? []).Order())))
                {
                    problems.Add(new ValidationError(at, "the same code and modifiers as an earlier entry"));
                }
            }
        }

        return problems;
    }
}
