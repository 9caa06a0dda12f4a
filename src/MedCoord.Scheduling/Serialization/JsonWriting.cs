using System.Text.Json;

namespace MedCoord.Scheduling.Serialization;

/// <summary>Writing helpers shared by the problem, schedule and slots files.</summary>
internal static class JsonWriting
{
    /// <summary>An indented file: one object that starts with <c>"formatVersion"</c> (<see cref="FormatVersion.Current"/>), then what <paramref name="body"/> writes; ends with a newline.</summary>
    public static string Document(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("formatVersion", FormatVersion.Current);
            body(w);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

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
