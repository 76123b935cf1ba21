using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Vrrp.Architecture.Tests;

/// <summary>
/// Reads a compiled assembly's metadata and IL: every type a type's base type, fields, method signatures, locals and
/// IL instructions reference (nested types included).
/// </summary>
internal static class IlScanner
{
    /// <summary>Lists what the types of <paramref name="path"/> whose namespace is in scope reference and <paramref name="isForbidden"/> rejects.</summary>
    public static List<string> Scan(string path, Func<string, bool> inScope, Func<string, bool> isForbidden, out int typeCount)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var names = new TypeNames(md);
        var violations = new List<string>();
        typeCount = 0;
        foreach (var handle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(handle);
            if (!inScope(NamespaceOf(md, type)))
            {
                continue;
            }

            typeCount++;
            string typeName = md.GetString(type.Name);
            void Check(string where, string referenced)
            {
                if (isForbidden(referenced))
                {
                    violations.Add($"{typeName}.{where} references {referenced}");
                }
            }

            if (!type.BaseType.IsNil)
            {
                Check("(base type)", names.Of(type.BaseType));
            }

            foreach (var fieldHandle in type.GetFields())
            {
                var field = md.GetFieldDefinition(fieldHandle);
                Check(md.GetString(field.Name), field.DecodeSignature(names, null));
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                string methodName = md.GetString(method.Name);
                var signature = method.DecodeSignature(names, null);
                Check(methodName, signature.ReturnType);
                foreach (var parameter in signature.ParameterTypes)
                {
                    Check(methodName, parameter);
                }

                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                var body = pe.GetMethodBody(method.RelativeVirtualAddress);
                if (!body.LocalSignature.IsNil)
                {
                    foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null))
                    {
                        Check(methodName + " (local)", local);
                    }
                }

                foreach (int token in Tokens(body.GetILBytes() ?? []))
                {
                    Check(methodName, names.OfToken(token));
                }
            }
        }

        return violations;
    }

    private static string NamespaceOf(MetadataReader md, TypeDefinition type)
    {
        while (type.IsNested)
        {
            type = md.GetTypeDefinition(type.GetDeclaringType());
        }

        return md.GetString(type.Namespace);
    }

    // Every metadata token in an IL stream (ECMA-335 partition III operand sizes).
    private static IEnumerable<int> Tokens(byte[] il)
    {
        int i = 0;
        while (i < il.Length)
        {
            int op = il[i++];
            if (op == 0xFE)
            {
                int op2 = il[i++];
                switch (op2)
                {
                    case 0x06: case 0x07: case 0x15: case 0x16: case 0x1C:   // ldftn ldvirtftn initobj constrained. sizeof
                        yield return BitConverter.ToInt32(il, i);
                        i += 4;
                        break;
                    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x0E:
                        i += 2;
                        break;
                    case 0x12: case 0x19:
                        i += 1;
                        break;
                }

                continue;
            }

            switch (op)
            {
                case >= 0x0E and <= 0x13: case 0x1F: case >= 0x2B and <= 0x37: case 0xDE:
                    i += 1;
                    break;
                case 0x20: case 0x22: case >= 0x38 and <= 0x44: case 0xDD:
                    i += 4;
                    break;
                case 0x21: case 0x23:
                    i += 8;
                    break;
                case 0x45:
                    int n = BitConverter.ToInt32(il, i);
                    i += 4 + (4 * n);
                    break;
                case 0x27: case 0x28: case 0x29: case 0x6F: case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75:
                case 0x79: case >= 0x7B and <= 0x81: case 0x8C: case 0x8D: case 0x8F: case 0xA3: case 0xA4: case 0xA5:
                case 0xC2: case 0xC6: case 0xD0:
                    yield return BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
            }
        }
    }

    private sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string Of(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeReference => GetTypeFromReference(md, (TypeReferenceHandle)handle, 0),
            HandleKind.TypeDefinition => GetTypeFromDefinition(md, (TypeDefinitionHandle)handle, 0),
            HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null),
            _ => handle.Kind.ToString(),
        };

        public string OfToken(int token)
        {
            if ((token >> 24) is 0x70 or 0x11)
            {
                return ""; // a user string (ldstr) or a stand-alone signature (calli)
            }

            var handle = MetadataTokens.EntityHandle(token);
            switch (handle.Kind)
            {
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    string parent = member.Parent.Kind is HandleKind.TypeReference or HandleKind.TypeDefinition or HandleKind.TypeSpecification ? Of(member.Parent) : member.Parent.Kind.ToString();
                    string signature = member.GetKind() == MemberReferenceKind.Method
                        ? string.Join(",", member.DecodeMethodSignature(this, null) is var s ? s.ParameterTypes.Append(s.ReturnType) : [])
                        : member.DecodeFieldSignature(this, null);
                    return $"{parent}::{md.GetString(member.Name)}({signature})";
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return OfToken(MetadataTokens.GetToken(spec.Method)) + "<" + string.Join(",", spec.DecodeSignature(this, null)) + ">";
                case HandleKind.MethodDefinition:
                    var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    return Of(method.GetDeclaringType()) + "::" + md.GetString(method.Name);
                case HandleKind.FieldDefinition:
                    var field = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    return Of(field.GetDeclaringType()) + "::" + md.GetString(field.Name) + "(" + field.DecodeSignature(this, null) + ")";
                case HandleKind.TypeReference:
                case HandleKind.TypeDefinition:
                case HandleKind.TypeSpecification:
                    return Of(handle);
                default:
                    return "";
            }
        }

        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[*]";

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";

        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeDefinition(handle);
            string name = reader.GetString(type.Name);
            return type.IsNested ? GetTypeFromDefinition(reader, type.GetDeclaringType(), 0) + "+" + name : reader.GetString(type.Namespace) + "." + name;
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeReference(handle);
            string name = reader.GetString(type.Name);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? GetTypeFromReference(reader, (TypeReferenceHandle)type.ResolutionScope, 0) + "+" + name
                : reader.GetString(type.Namespace) + "." + name;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
