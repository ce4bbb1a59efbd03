package httpapi

import (
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// Parents shared by several relationship endpoints: typed views of users,
// orgs and academic sessions (rest-endpoints.md §5).
var (
	schoolParent  = parent{"schoolSourcedId", oneroster.Org, fixed(store.Subset{Name: store.OrgsOfType, Arg: "school"})}
	termParent    = parent{"termSourcedId", oneroster.AcademicSession, fixed(store.Subset{Name: store.SessionsOfType, Arg: "term"})}
	studentParent = parent{"studentSourcedId", oneroster.User, fixed(store.Subset{Name: store.UsersWithRole, Arg: "student"})}
	teacherParent = parent{"teacherSourcedId", oneroster.User, fixed(store.Subset{Name: store.UsersWithRole, Arg: "teacher"})}
	// classInSchool is a class that belongs to the school of the path.
	classInSchool = parent{"classSourcedId", oneroster.Class, byParam(store.ClassesOfSchool, "schoolSourcedId")}
	classParent   = parent{"classSourcedId", oneroster.Class, nil}

	isStudent   = store.Subset{Name: store.UsersWithRole, Arg: "student"}
	isTeacher   = store.Subset{Name: store.UsersWithRole, Arg: "teacher"}
	isSchool    = store.Subset{Name: store.OrgsOfType, Arg: "school"}
	isTerm      = store.Subset{Name: store.SessionsOfType, Arg: "term"}
	isGradingPd = store.Subset{Name: store.SessionsOfType, Arg: "gradingPeriod"}
)

// rosteringRoutes is the rostering service: 41 read operations, in the
// order of rest-endpoints.md §4.
func rosteringRoutes() []Route {
	all := func(path, op string, e *oneroster.Entity, sc ...store.Subset) Route {
		return Route{Method: "GET", Base: oneroster.RosteringBase, Path: path, OperationID: op, Entity: e, Collection: true, within: fixed(sc...)}
	}
	one := func(path, op string, e *oneroster.Entity, sc ...store.Subset) Route {
		return Route{Method: "GET", Base: oneroster.RosteringBase, Path: path, OperationID: op, Entity: e, within: fixed(sc...)}
	}
	rel := func(path, op string, e *oneroster.Entity, within func(func(string) string) []store.Subset, parents ...parent) Route {
		return Route{Method: "GET", Base: oneroster.RosteringBase, Path: path, OperationID: op, Entity: e, Collection: true, within: within, parents: parents}
	}
	students := func(param string) func(func(string) string) []store.Subset {
		return byParam(store.StudentsOfClass, param)
	}
	teachers := func(param string) func(func(string) string) []store.Subset {
		return byParam(store.TeachersOfClass, param)
	}

	routes := []Route{
		all("/academicSessions", "getAllAcademicSessions", oneroster.AcademicSession),
		one("/academicSessions/{sourcedId}", "getAcademicSession", oneroster.AcademicSession),
		all("/classes", "getAllClasses", oneroster.Class),
		rel("/classes/{classSourcedId}/students", "getStudentsForClass", oneroster.User, students("classSourcedId"), classParent),
		rel("/classes/{classSourcedId}/teachers", "getTeachersForClass", oneroster.User, teachers("classSourcedId"), classParent),
		one("/classes/{sourcedId}", "getClass", oneroster.Class),
		all("/courses", "getAllCourses", oneroster.Course),
		rel("/courses/{courseSourcedId}/classes", "getClassesForCourse", oneroster.Class, byParam(store.ClassesOfCourse, "courseSourcedId"),
			parent{"courseSourcedId", oneroster.Course, nil}),
		one("/courses/{sourcedId}", "getCourse", oneroster.Course),
		all("/demographics", "getAllDemographics", oneroster.Demographics),
		one("/demographics/{sourcedId}", "getDemographics", oneroster.Demographics),
		all("/enrollments", "getAllEnrollments", oneroster.Enrollment),
		one("/enrollments/{sourcedId}", "getEnrollment", oneroster.Enrollment),
		all("/gradingPeriods", "getAllGradingPeriods", oneroster.AcademicSession, isGradingPd),
		one("/gradingPeriods/{sourcedId}", "getGradingPeriod", oneroster.AcademicSession, isGradingPd),
		all("/orgs", "getAllOrgs", oneroster.Org),
		one("/orgs/{sourcedId}", "getOrg", oneroster.Org),
		all("/schools", "getAllSchools", oneroster.Org, isSchool),
		rel("/schools/{schoolSourcedId}/classes", "getClassesForSchool", oneroster.Class, byParam(store.ClassesOfSchool, "schoolSourcedId"), schoolParent),
		rel("/schools/{schoolSourcedId}/classes/{classSourcedId}/enrollments", "getEnrollmentsForClassInSchool", oneroster.Enrollment,
			byParam(store.EnrollmentsOfClass, "classSourcedId"), schoolParent, classInSchool),
		rel("/schools/{schoolSourcedId}/classes/{classSourcedId}/students", "getStudentsForClassInSchool", oneroster.User,
			students("classSourcedId"), schoolParent, classInSchool),
		rel("/schools/{schoolSourcedId}/classes/{classSourcedId}/teachers", "getTeachersForClassInSchool", oneroster.User,
			teachers("classSourcedId"), schoolParent, classInSchool),
		rel("/schools/{schoolSourcedId}/courses", "getCoursesForSchool", oneroster.Course, byParam(store.CoursesOfSchool, "schoolSourcedId"), schoolParent),
		rel("/schools/{schoolSourcedId}/enrollments", "getEnrollmentsForSchool", oneroster.Enrollment, byParam(store.EnrollmentsOfSch, "schoolSourcedId"), schoolParent),
		rel("/schools/{schoolSourcedId}/students", "getStudentsForSchool", oneroster.User, byParam(store.StudentsOfSchool, "schoolSourcedId"), schoolParent),
		rel("/schools/{schoolSourcedId}/teachers", "getTeachersForSchool", oneroster.User, byParam(store.TeachersOfSchool, "schoolSourcedId"), schoolParent),
		rel("/schools/{schoolSourcedId}/terms", "getTermsForSchool", oneroster.AcademicSession, byParam(store.TermsOfSchool, "schoolSourcedId"), schoolParent),
		one("/schools/{sourcedId}", "getSchool", oneroster.Org, isSchool),
		all("/students", "getAllStudents", oneroster.User, isStudent),
		one("/students/{sourcedId}", "getStudent", oneroster.User, isStudent),
		rel("/students/{studentSourcedId}/classes", "getClassesForStudent", oneroster.Class, byParam(store.ClassesOfStudent, "studentSourcedId"), studentParent),
		all("/teachers", "getAllTeachers", oneroster.User, isTeacher),
		one("/teachers/{sourcedId}", "getTeacher", oneroster.User, isTeacher),
		rel("/teachers/{teacherSourcedId}/classes", "getClassesForTeacher", oneroster.Class, byParam(store.ClassesOfTeacher, "teacherSourcedId"), teacherParent),
		all("/terms", "getAllTerms", oneroster.AcademicSession, isTerm),
		one("/terms/{sourcedId}", "getTerm", oneroster.AcademicSession, isTerm),
		rel("/terms/{termSourcedId}/classes", "getClassesForTerm", oneroster.Class, byParam(store.ClassesOfTerm, "termSourcedId"), termParent),
		rel("/terms/{termSourcedId}/gradingPeriods", "getGradingPeriodsForTerm", oneroster.AcademicSession,
			func(p func(string) string) []store.Subset {
				return []store.Subset{isGradingPd, {Name: store.ChildrenOfSession, Arg: p("termSourcedId")}}
			}, termParent),
		all("/users", "getAllUsers", oneroster.User),
		one("/users/{sourcedId}", "getUser", oneroster.User),
		rel("/users/{userSourcedId}/classes", "getClassesForUser", oneroster.Class, byParam(store.ClassesOfUser, "userSourcedId"),
			parent{"userSourcedId", oneroster.User, nil}),
	}
	return withScopes(routes)
}
