namespace MedCoord.Scheduling.Serialization;

/// <summary>
/// The <c>formatVersion</c> of every file the library reads and writes (problem, schedule or book, slots), in one place.
/// Additions to the format (1.1: books read back, shared rooms, equipment, series, soft rules, slots files) add
/// optional fields without changing what a version 1 file means, so they keep version 1: every file says 1, whatever
/// additions it uses, the readers accept 1 only, and the writers write 1. A change that made a version 1 file read
/// differently would take a new number here, accepted by the readers alongside 1.
/// </summary>
internal static class FormatVersion
{
    /// <summary>The version every file is written with and the only one read.</summary>
    public const int Current = 1;

    /// <summary>Reads the required <c>formatVersion</c> of a file's top-level object, recording an error unless it is <see cref="Current"/>.</summary>
    public static void Check(JsonObjectReader file)
    {
        var version = file.Int("formatVersion", required: true);
        if (version is not null and not Current)
        {
            file.Error("formatVersion", $"unsupported format version {version}; only {Current} is supported");
        }
    }
}
