namespace MedCoord.Engine.Billing;

/// <summary>The code systems a claim uses.</summary>
public enum CodeSystem
{
    /// <summary>ICD-10-CM diagnoses.</summary>
    Icd10Cm,

    /// <summary>CPT procedures (Category I, II and III).</summary>
    Cpt,

    /// <summary>HCPCS Level II procedures and supplies.</summary>
    Hcpcs,

    /// <summary>Procedure modifiers.</summary>
    Modifier,
}

/// <summary>
/// The official code tables a host has loaded. When a system has a table, a well-formed code missing from it is
/// reported as unknown.
/// </summary>
public interface ICodeSetProvider
{
    /// <summary>Whether a table of the system is loaded.</summary>
    /// <param name="system">The code system.</param>
    /// <returns>True when loaded.</returns>
    bool Has(CodeSystem system);

    /// <summary>Whether the loaded table of the system holds the code (ICD-10-CM without its dot).</summary>
    /// <param name="system">The code system.</param>
    /// <param name="code">The code.</param>
    /// <returns>True when it does.</returns>
    bool Contains(CodeSystem system, string code);
}

/// <summary>Code tables held in memory, loaded by the host (for example from the official release files).</summary>
public sealed class InMemoryCodeSetProvider : ICodeSetProvider
{
    private readonly Dictionary<CodeSystem, HashSet<string>> _tables = [];

    /// <summary>Loads (or replaces) a system's table.</summary>
    /// <param name="system">The code system.</param>
    /// <param name="codes">Its codes (ICD-10-CM with or without dots).</param>
    /// <returns>This provider.</returns>
    public InMemoryCodeSetProvider Load(CodeSystem system, IEnumerable<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        _tables[system] = codes.Select(c => Codes.Normalize(system, c)).ToHashSet(StringComparer.Ordinal);
        return this;
    }

    /// <inheritdoc />
    public bool Has(CodeSystem system) => _tables.ContainsKey(system);

    /// <inheritdoc />
    public bool Contains(CodeSystem system, string code) => _tables.TryGetValue(system, out var table) && table.Contains(Codes.Normalize(system, code));
}

/// <summary>
/// Format checks of billing codes, each failure saying which code and why; with a code-set provider, also whether a
/// well-formed code is in the loaded table. Thread safe.
/// </summary>
public static class Codes
{
    /// <summary>Most modifiers on one service line.</summary>
    public const int MaxModifiers = 4;

    /// <summary>What is wrong with an ICD-10-CM code, or null when it is well formed (and known, where a table is loaded).</summary>
    /// <param name="code">The code, with or without the dot after the third character.</param>
    /// <param name="codeSets">Loaded tables, if any.</param>
    /// <returns>The problem, or null.</returns>
    public static string? CheckIcd10Cm(string? code, ICodeSetProvider? codeSets = null)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "an ICD-10-CM code is required";
        }

        var shape = Icd10Shape(code);
        return shape ?? Unknown(CodeSystem.Icd10Cm, code, codeSets);
    }

    private static string? Icd10Shape(string code)
    {
        var what = "ICD-10-CM code";
        if (code.Any(char.IsLower))
        {
            return $"{what}: letters must be upper case";
        }

        var dot = code.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && (dot != 3 || code.IndexOf('.', dot + 1) >= 0 || dot == code.Length - 1))
        {
            return $"{what}: a dot may only come after the third character, followed by at least one more";
        }

        var bare = code.Replace(".", string.Empty, StringComparison.Ordinal);
        if (bare.Length is < 3 or > 7)
        {
            return $"{what}: must have 3 to 7 characters (not counting the dot), found {bare.Length}";
        }

        if (bare[0] is < 'A' or > 'Z')
        {
            return $"{what}: the first character must be a letter";
        }

        if (!char.IsAsciiDigit(bare[1]))
        {
            return $"{what}: the second character must be a digit";
        }

        if (bare.Skip(2).Any(c => !char.IsAsciiDigit(c) && c is < 'A' or > 'Z'))
        {
            return $"{what}: characters after the second must be letters or digits";
        }

        // X placeholders (5th or 6th character) hold empty positions so that a 7th-character extension can follow
        // (T81.4XXA, T36.0X5A): a code with one has all seven characters.
        var firstX = bare.Length > 4 ? bare.IndexOf('X', 4) : -1;
        if (firstX is 4 or 5 && bare.Length != 7)
        {
            return $"{what}: an X placeholder at character {firstX + 1} must lead to a 7th-character extension";
        }

        return null;
    }

    /// <summary>What is wrong with a procedure code (CPT Category I <c>nnnnn</c>, II <c>nnnnF</c>, III <c>nnnnT</c>, or HCPCS Level II <c>Annnn</c>), or null.</summary>
    /// <param name="code">The code.</param>
    /// <param name="codeSets">Loaded tables, if any.</param>
    /// <returns>The problem, or null.</returns>
    public static string? CheckProcedure(string? code, ICodeSetProvider? codeSets = null)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "a procedure code is required";
        }

        return SystemOf(code) switch
        {
            CodeSystem.Cpt => Unknown(CodeSystem.Cpt, code, codeSets),
            CodeSystem.Hcpcs => Unknown(CodeSystem.Hcpcs, code, codeSets),
            _ when code.Length != 5 => $"procedure code: must have 5 characters, found {code.Length}",
            _ when code.Any(char.IsLower) => $"procedure code: letters must be upper case",
            _ => "procedure code: neither CPT (five digits, or four digits then F or T) nor HCPCS Level II (a letter then four digits)",
        };
    }

    /// <summary>The system a well-formed procedure code belongs to, or null when it is neither CPT nor HCPCS Level II.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The system.</returns>
    public static CodeSystem? SystemOf(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != 5)
        {
            return null;
        }

        if (code.Take(4).All(char.IsAsciiDigit) && (char.IsAsciiDigit(code[4]) || code[4] is 'F' or 'T'))
        {
            return CodeSystem.Cpt;
        }

        return code[0] is >= 'A' and <= 'Z' && code.Skip(1).All(char.IsAsciiDigit) ? CodeSystem.Hcpcs : null;
    }

    /// <summary>What is wrong with a line's modifiers (each two upper-case letters or digits, at most four), or null.</summary>
    /// <param name="modifiers">The modifiers.</param>
    /// <param name="codeSets">Loaded tables, if any.</param>
    /// <returns>The problem, or null.</returns>
    public static string? CheckModifiers(IReadOnlyList<string>? modifiers, ICodeSetProvider? codeSets = null)
    {
        if (modifiers is null || modifiers.Count == 0)
        {
            return null;
        }

        if (modifiers.Count > MaxModifiers)
        {
            return $"at most {MaxModifiers} modifiers per line, found {modifiers.Count}";
        }

        for (var i = 0; i < modifiers.Count; i++)
        {
            var m = modifiers[i];
            if (m is null || m.Length != 2 || m.Any(c => !char.IsAsciiDigit(c) && c is < 'A' or > 'Z'))
            {
                return $"modifier {i + 1}: must be two upper-case letters or digits";
            }

            if (Unknown(CodeSystem.Modifier, m, codeSets) is { } unknown)
            {
                return unknown;
            }
        }

        return modifiers.Distinct(StringComparer.Ordinal).Count() == modifiers.Count ? null : "a modifier is listed twice";
    }

    /// <summary>A code as a table holds it: ICD-10-CM without its dot, others as written.</summary>
    /// <param name="system">The system.</param>
    /// <param name="code">The code.</param>
    /// <returns>The normalised code.</returns>
    public static string Normalize(CodeSystem system, string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return system == CodeSystem.Icd10Cm ? code.Replace(".", string.Empty, StringComparison.Ordinal).Trim() : code.Trim();
    }

    private static string? Unknown(CodeSystem system, string code, ICodeSetProvider? codeSets) =>
        codeSets is not null && codeSets.Has(system) && !codeSets.Contains(system, code)
            ? $"{Name(system)} code: well formed but not in the loaded {Name(system)} table"
            : null;

    private static string Name(CodeSystem system) => system switch
    {
        CodeSystem.Icd10Cm => "ICD-10-CM",
        CodeSystem.Cpt => "CPT",
        CodeSystem.Hcpcs => "HCPCS",
        _ => "modifier",
    };
}
