using System.Globalization;
using MedCoord.Scheduling.Model;
using MedCoord.Scheduling.Results;
using MedCoord.Scheduling.Serialization;
using Spectre.Console;

namespace MedCoord.Cli;

/// <summary>The readable summary of a schedule: assignments, unscheduled requests with reasons, utilisation.</summary>
internal static class ScheduleReport
{
    public static void Write(IAnsiConsole console, Problem problem, Schedule schedule, string? outPath)
    {
        var o = schedule.Objective;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{schedule.Status}[/]: {schedule.Assignments.Count} scheduled, {schedule.Unscheduled.Count} unscheduled of {problem.Requests.Count} requests; priority {o.ScheduledPriority} (bound {o.UpperBound}), waiting cost {o.WaitingCost}{(o.SoftRules is { } soft ? $", soft rules {soft.Total} (continuity {soft.Continuity}, daily cap {soft.DailyCap}, balance {soft.Balance})" : string.Empty)}; {schedule.Stats.WallSeconds:0.00}s on {schedule.Stats.Workers} workers, seed {schedule.Stats.Seed}"));

        if (schedule.Assignments.Count > 0)
        {
            var table = new Table().Title("Assignments").AddColumns("request", "patient", "provider", "room", "facility", "start", "end");
            foreach (var a in schedule.Assignments)
            {
                table.AddRow(Cells(a.RequestId, a.PatientId, a.ProviderId ?? "-", a.RoomId ?? "-", a.FacilityId, ScheduleFile.FormatDateTime(a.Start), ScheduleFile.FormatDateTime(a.End)));
            }

            console.Write(table);
        }

        if (schedule.Unscheduled.Count > 0)
        {
            var table = new Table().Title("Unscheduled").AddColumns("request", "reason", "why");
            foreach (var u in schedule.Unscheduled)
            {
                table.AddRow(Cells(u.RequestId, u.Reason.ToString(), u.Message));
            }

            console.Write(table);
            var reasons = new Table().Title("Reasons").AddColumns("reason", "requests");
            foreach (var group in schedule.Unscheduled.GroupBy(u => u.Reason).OrderBy(g => g.Key))
            {
                reasons.AddRow(Cells(group.Key.ToString(), group.Count().ToString(CultureInfo.InvariantCulture)));
            }

            console.Write(reasons);
        }

        var breakdown = new Table().Title("Objective by type and facility")
            .AddColumns("by", "id", "requests", "booked", "asked priority", "scheduled priority", "waiting cost", "preferred honoured");
        foreach (var row in ScheduleAnalysis.Breakdown(problem, schedule).Where(r => r.Requests > 0))
        {
            breakdown.AddRow(Cells(row.Dimension, row.Id, Number(row.Requests), Number(row.Booked), Number(row.AskedPriority), Number(row.ScheduledPriority),
                Number(row.WaitingCost), $"{Number(row.PreferredHonoured)}/{Number(row.PreferredAsked)}"));
        }

        console.Write(breakdown);
        var utilisation = new Table().Title("Utilisation").AddColumns("resource", "id", "booked min", "available min", "share");
        foreach (var row in ScheduleAnalysis.Utilisation(problem, schedule))
        {
            utilisation.AddRow(Cells(row.Kind, row.Id, row.BookedMinutes.ToString(CultureInfo.InvariantCulture),
                row.AvailableMinutes.ToString(CultureInfo.InvariantCulture), row.Share.ToString("P1", CultureInfo.InvariantCulture)));
        }

        console.Write(utilisation);
        if (outPath is not null)
        {
            console.MarkupLine($"schedule written to {Markup.Escape(outPath)}");
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static Text[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];
}
