using System.Text.Json;
using MedCoord.Scheduling.Operations;

namespace MedCoord.Scheduling.Serialization;

/// <summary>Writes slot recommendation files (format v1.1). Thread safe.</summary>
public static class SlotsFile
{
    /// <summary>Serialises recommended slots: the request, the slots best first, and the reason when there are none.</summary>
    /// <param name="recommendations">The recommendations.</param>
    /// <returns>The file's text, indented.</returns>
    public static string Serialize(SlotRecommendations recommendations)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        return JsonWriting.Document(w =>
        {
            w.WriteString("request", recommendations.RequestId);
            w.WriteStartArray("slots");
            foreach (var s in recommendations.Slots)
            {
                w.WriteStartObject();
                w.WriteStringOrNull("provider", s.ProviderId);
                w.WriteStringOrNull("room", s.RoomId);
                w.WriteString("facility", s.FacilityId);
                w.WriteString("start", ScheduleFile.FormatDateTime(s.Start));
                w.WriteString("end", ScheduleFile.FormatDateTime(s.End));
                w.WriteStartObject("change");
                w.WriteNumber("scheduledPriority", s.Change.ScheduledPriority);
                w.WriteNumber("waitingCost", s.Change.WaitingCost);
                w.WriteNumber("preferredProvider", s.Change.PreferredProvider);
                if (s.Change.SoftRuleCost != 0)
                {
                    w.WriteNumber("softRuleCost", s.Change.SoftRuleCost);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStringOrNull("reason", recommendations.Reason?.ToString());
            w.WriteStringOrNull("message", recommendations.Message);
        });
    }
}
