using System.Text.Json;

namespace MedCoord.Scheduling.Serialization;

/// <summary>Writing helpers shared by the problem and schedule files.</summary>
internal static class JsonWriting
{
    /// <summary>Writes a string property, or JSON null where the value is absent.</summary>
    public static void WriteStringOrNull(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
