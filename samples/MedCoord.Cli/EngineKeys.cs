using MedCoord.Engine.Storage;

namespace MedCoord.Cli;

/// <summary>
/// The keys of every command that opens an engine database: the data key (records encrypted at rest) from
/// <c>--data-key-file</c> or <c>MEDCOORD_DATA_KEY</c>, and the audit key (the chain's HMAC) from <c>--audit-key-file</c>
/// or <c>MEDCOORD_AUDIT_KEY</c>; each 32 bytes in base64 (a key file may also hold the 32 bytes themselves). A file
/// given wins over the variable. Errors name the variable or flag, never the key.
/// </summary>
internal sealed record EngineKeys(EngineKey? Data, EngineKey? Audit)
{
    public const string DataVariable = "MEDCOORD_DATA_KEY";
    public const string AuditVariable = "MEDCOORD_AUDIT_KEY";

    /// <summary>The keys, or every problem reading them (one line each).</summary>
    public static (EngineKeys Keys, List<string> Errors) Read(string? dataKeyFile, string? auditKeyFile, Func<string, string?> environment)
    {
        var errors = new List<string>();
        var data = One("--data-key-file", dataKeyFile, DataVariable, environment, errors);
        var audit = One("--audit-key-file", auditKeyFile, AuditVariable, environment, errors);
        if (data is not null && audit is not null && data.Id == audit.Id)
        {
            errors.Add($"{AuditVariable}: the audit key must differ from the data key (both are key {data.Id})");
        }

        return (new EngineKeys(data, audit), errors);
    }

    private static EngineKey? One(string flag, string? file, string variable, Func<string, string?> environment, List<string> errors)
    {
        if (file is not null)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                errors.Add($"{flag}: cannot read '{file}' ({(Directory.Exists(file) ? "it is a directory" : ex.GetType().Name.Replace("Exception", string.Empty, StringComparison.Ordinal))})");
                return null;
            }

            try
            {
                return EngineKey.FromBase64(System.Text.Encoding.ASCII.GetString(bytes));
            }
            catch (FormatException) when (bytes.Length == EngineKey.Length)
            {
                return EngineKey.FromBytes(bytes);
            }
            catch (FormatException ex)
            {
                errors.Add($"{flag}: '{file}' does not hold a key: {ex.Message}");
                return null;
            }
        }

        if (environment(variable) is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return EngineKey.FromBase64(text);
        }
        catch (FormatException ex)
        {
            errors.Add($"{variable}: {ex.Message}");
            return null;
        }
    }
}
